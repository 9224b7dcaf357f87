import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface EcrStackArgs {
  environmentSuffix: string;
  tags: Record<string, string>;
}

/** The registry for the services that use the database. */
export class EcrStack extends pulumi.ComponentResource {
  public readonly repositoryUrl: pulumi.Output<string>;

  constructor(name: string, args: EcrStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tap:registry:EcrStack', name, {}, opts);

    const repository = new aws.ecr.Repository(
      `financial-app-${args.environmentSuffix}`,
      {
        name: 'financial-app',
        imageTagMutability: 'IMMUTABLE',
        forceDelete: true,
        tags: args.tags,
      },
      { parent: this },
    );

    new aws.ecr.LifecyclePolicy(
      `financial-app-lifecycle-${args.environmentSuffix}`,
      {
        repository: repository.name,
        policy: JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              description: 'Keep the last 10 images',
              selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 10 },
              action: { type: 'expire' },
            },
          ],
        }),
      },
      { parent: this },
    );

    this.repositoryUrl = repository.repositoryUrl;
    this.registerOutputs({ repositoryUrl: this.repositoryUrl });
  }
}
