import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface DatabaseStackArgs {
  environmentSuffix: string;
  vpcId: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<string>[];
  tags: Record<string, string>;
}

/** Aurora PostgreSQL Serverless v2, encrypted with its own KMS key, with enhanced monitoring. */
export class DatabaseStack extends pulumi.ComponentResource {
  public readonly clusterEndpoint: pulumi.Output<string>;
  public readonly clusterReaderEndpoint: pulumi.Output<string>;
  public readonly kmsKeyArn: pulumi.Output<string>;

  constructor(name: string, args: DatabaseStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tap:database:DatabaseStack', name, {}, opts);
    const suffix = args.environmentSuffix;
    const caller = aws.getCallerIdentityOutput({}, { parent: this });
    const region = aws.getRegionOutput({}, { parent: this });

    // One key for the cluster storage and its exported logs: the policy lets CloudWatch Logs use it.
    const key = new aws.kms.Key(
      `financial-db-key-${suffix}`,
      {
        description: `Aurora storage and log encryption for financial-db ${suffix}`,
        deletionWindowInDays: 7,
        enableKeyRotation: true,
        policy: pulumi.all([caller.accountId, region.name]).apply(([accountId, regionName]) =>
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              { Sid: 'AccountAdmin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' },
              {
                Sid: 'CloudWatchLogs',
                Effect: 'Allow',
                Principal: { Service: `logs.${regionName}.amazonaws.com` },
                Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
                Resource: '*',
                Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${regionName}:${accountId}:log-group:*` } },
              },
            ],
          }),
        ),
        tags: args.tags,
      },
      { parent: this },
    );

    new aws.kms.Alias(`financial-db-alias-${suffix}`, { name: `alias/financial-db-${suffix}`, targetKeyId: key.keyId }, { parent: this });

    const subnetGroup = new aws.rds.SubnetGroup(
      `financial-db-subnets-${suffix}`,
      { name: `financial-db-subnets-${suffix}`, subnetIds: args.privateSubnetIds, tags: args.tags },
      { parent: this },
    );

    const dbSecurityGroup = new aws.ec2.SecurityGroup(
      `financial-db-sg-${suffix}`,
      {
        vpcId: args.vpcId,
        description: 'Aurora PostgreSQL',
        ingress: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432, cidrBlocks: ['10.0.0.0/16'] }],
        egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'] }],
        tags: args.tags,
      },
      { parent: this },
    );

    const parameterGroup = new aws.rds.ClusterParameterGroup(
      `financial-db-params-${suffix}`,
      {
        name: `financial-aurora-pg15-${suffix}`,
        family: 'aurora-postgresql15',
        parameters: [
          { name: 'log_min_duration_statement', value: '1000' },
          { name: 'rds.force_ssl', value: '1' },
        ],
        tags: args.tags,
      },
      { parent: this },
    );

    const monitoringRole = new aws.iam.Role(
      `financial-db-monitoring-${suffix}`,
      {
        name: `financial-rds-monitoring-${suffix}`,
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'monitoring.rds.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
        tags: args.tags,
      },
      { parent: this },
    );

    new aws.iam.RolePolicyAttachment(
      `financial-db-monitoring-policy-${suffix}`,
      { role: monitoringRole.name, policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole' },
      { parent: this },
    );

    new aws.cloudwatch.LogGroup(
      `financial-db-logs-${suffix}`,
      { name: `/aws/rds/cluster/financial-aurora-${suffix}/postgresql`, retentionInDays: 30, kmsKeyId: key.arn, tags: args.tags },
      { parent: this },
    );

    const cluster = new aws.rds.Cluster(
      `financial-aurora-${suffix}`,
      {
        clusterIdentifier: `financial-aurora-${suffix}`,
        engine: 'aurora-postgresql',
        engineMode: 'provisioned',
        engineVersion: '15.13',
        databaseName: 'financial',
        masterUsername: 'dbadmin',
        manageMasterUserPassword: true,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [dbSecurityGroup.id],
        dbClusterParameterGroupName: parameterGroup.name,
        storageEncrypted: true,
        kmsKeyId: key.arn,
        backupRetentionPeriod: 30,
        preferredBackupWindow: '03:00-04:00',
        deletionProtection: false,
        skipFinalSnapshot: true,
        enabledCloudwatchLogsExports: ['postgresql'],
        serverlessv2ScalingConfiguration: { minCapacity: 0.5, maxCapacity: 1 },
        tags: args.tags,
      },
      { parent: this },
    );

    new aws.rds.ClusterInstance(
      `financial-aurora-writer-${suffix}`,
      {
        identifier: `financial-aurora-writer-${suffix}`,
        clusterIdentifier: cluster.id,
        instanceClass: 'db.serverless',
        engine: 'aurora-postgresql',
        engineVersion: cluster.engineVersion,
        monitoringInterval: 60,
        monitoringRoleArn: monitoringRole.arn,
        performanceInsightsEnabled: true,
        tags: args.tags,
      },
      { parent: this },
    );

    this.clusterEndpoint = cluster.endpoint;
    this.clusterReaderEndpoint = cluster.readerEndpoint;
    this.kmsKeyArn = key.arn;
    this.registerOutputs({ clusterEndpoint: this.clusterEndpoint });
  }
}
