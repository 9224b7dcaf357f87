import * as pulumi from '@pulumi/pulumi';
import { DatabaseStack } from './database-stack';
import { EcrStack } from './ecr-stack';
import { VpcStack } from './vpc-stack';

export interface TapStackArgs {
  environmentSuffix: string;
  tags: Record<string, string>;
}

/** The whole platform: network, database and container registry. */
export class TapStack extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly clusterEndpoint: pulumi.Output<string>;
  public readonly clusterReaderEndpoint: pulumi.Output<string>;
  public readonly repositoryUrl: pulumi.Output<string>;
  public readonly kmsKeyArn: pulumi.Output<string>;

  constructor(name: string, args: TapStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tap:stack:TapStack', name, {}, opts);

    const vpc = new VpcStack(
      'vpc',
      { environmentSuffix: args.environmentSuffix, cidrBlock: '10.0.0.0/16', availabilityZones: 3, tags: args.tags },
      { parent: this },
    );

    const database = new DatabaseStack(
      'database',
      {
        environmentSuffix: args.environmentSuffix,
        vpcId: vpc.vpcId,
        privateSubnetIds: vpc.privateSubnetIds,
        tags: args.tags,
      },
      { parent: this },
    );

    const ecr = new EcrStack('ecr', { environmentSuffix: args.environmentSuffix, tags: args.tags }, { parent: this });

    this.vpcId = vpc.vpcId;
    this.clusterEndpoint = database.clusterEndpoint;
    this.clusterReaderEndpoint = database.clusterReaderEndpoint;
    this.repositoryUrl = ecr.repositoryUrl;
    this.kmsKeyArn = database.kmsKeyArn;

    this.registerOutputs({
      vpcId: this.vpcId,
      clusterEndpoint: this.clusterEndpoint,
      repositoryUrl: this.repositoryUrl,
    });
  }
}
