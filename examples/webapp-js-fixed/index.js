'use strict';
// Production web application: an internet-facing ALB (HTTPS, WAF) in front of an Auto Scaling group
// of EC2 instances in private subnets, backed by a Multi-AZ MySQL RDS instance, in a two-AZ VPC.
const pulumi = require('@pulumi/pulumi');
const aws = require('@pulumi/aws');

const config = new pulumi.Config();
const environmentSuffix = config.require('environmentSuffix');
const certificateArn = config.require('certificateArn');
const dbInstanceClass = config.require('dbInstanceClass');
const webInstanceType = config.require('webInstanceType');
const flowLogBucketArn = config.require('flowLogBucketArn');
const accessLogBucket = config.require('accessLogBucket');
const alarmEmail = config.require('alarmEmail');
const isProduction = pulumi.getStack() === 'prod';

const tags = {
  Project: 'webapp',
  Environment: environmentSuffix,
  ManagedBy: 'pulumi',
};

const caller = aws.getCallerIdentityOutput();
const region = aws.getRegionOutput();

// Fail the preview, not the deployment, in a region with fewer than two zones.
const availableAZs = aws.getAvailabilityZones({ state: 'available' }).then((azs) => {
  if (azs.names.length < 2) {
    throw new Error(`webapp needs two availability zones; ${azs.names.length} available`);
  }
  return azs.names;
});

// ---------------------------------------------------------------- encryption key

const dataKey = new aws.kms.Key('webapp-data', {
  description: `webapp ${environmentSuffix}: logs and alarm notifications`,
  enableKeyRotation: true,
  deletionWindowInDays: 30,
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
        },
        {
          Sid: 'CloudWatchAlarmsToSns',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
        },
      ],
    }),
  ),
  tags,
});

// ---------------------------------------------------------------- network

const vpc = new aws.ec2.Vpc('vpc', {
  cidrBlock: '10.0.0.0/16',
  enableDnsHostnames: true,
  enableDnsSupport: true,
  tags: { ...tags, Name: `webapp-${environmentSuffix}` },
});

// Traffic records for incident response, kept in the organisation's log archive bucket.
new aws.ec2.FlowLog('vpc-flow', {
  vpcId: vpc.id,
  trafficType: 'ALL',
  logDestinationType: 's3',
  logDestination: flowLogBucketArn,
  tags,
});

const internetGateway = new aws.ec2.InternetGateway('igw', { vpcId: vpc.id, tags });

const publicRouteTable = new aws.ec2.RouteTable('public-rt', {
  vpcId: vpc.id,
  routes: [{ cidrBlock: '0.0.0.0/0', gatewayId: internetGateway.id }],
  tags,
});

const publicSubnets = [];
const privateSubnets = [];
const privateRouteTableIds = [];
for (const index of [0, 1]) {
  const availabilityZone = availableAZs.then((names) => names[index]);
  const publicSubnet = new aws.ec2.Subnet(`public-${index}`, {
    vpcId: vpc.id,
    cidrBlock: `10.0.${index + 1}.0/24`,
    availabilityZone,
    mapPublicIpOnLaunch: true,
    tags: { ...tags, Tier: 'public' },
  });
  const privateSubnet = new aws.ec2.Subnet(`private-${index}`, {
    vpcId: vpc.id,
    cidrBlock: `10.0.${index + 11}.0/24`,
    availabilityZone,
    tags: { ...tags, Tier: 'private' },
  });
  new aws.ec2.RouteTableAssociation(`public-rta-${index}`, { subnetId: publicSubnet.id, routeTableId: publicRouteTable.id });

  const eip = new aws.ec2.Eip(`nat-eip-${index}`, { domain: 'vpc', tags });
  const natGateway = new aws.ec2.NatGateway(`nat-${index}`, { allocationId: eip.id, subnetId: publicSubnet.id, tags });
  const privateRouteTable = new aws.ec2.RouteTable(`private-rt-${index}`, {
    vpcId: vpc.id,
    routes: [{ cidrBlock: '0.0.0.0/0', natGatewayId: natGateway.id }],
    tags,
  });
  new aws.ec2.RouteTableAssociation(`private-rta-${index}`, { subnetId: privateSubnet.id, routeTableId: privateRouteTable.id });

  publicSubnets.push(publicSubnet);
  privateSubnets.push(privateSubnet);
  privateRouteTableIds.push(privateRouteTable.id);
}

// S3 traffic (AMI bootstrap scripts, backups) bypasses the NAT gateways.
new aws.ec2.VpcEndpoint('s3-endpoint', {
  vpcId: vpc.id,
  serviceName: 'com.amazonaws.us-east-1.s3',
  vpcEndpointType: 'Gateway',
  routeTableIds: privateRouteTableIds,
  tags,
});

// ---------------------------------------------------------------- security groups
// Groups without inline rules; every rule is its own resource, so no group depends on another.

const albSecurityGroup = new aws.ec2.SecurityGroup('alb-sg', { vpcId: vpc.id, description: 'Internet-facing load balancer', tags });
const webSecurityGroup = new aws.ec2.SecurityGroup('web-sg', { vpcId: vpc.id, description: 'Web servers', tags });
const dbSecurityGroup = new aws.ec2.SecurityGroup('db-sg', { vpcId: vpc.id, description: 'MySQL database', tags });

for (const port of [80, 443]) {
  new aws.ec2.SecurityGroupRule(`alb-in-${port}`, {
    type: 'ingress',
    securityGroupId: albSecurityGroup.id,
    protocol: 'tcp',
    fromPort: port,
    toPort: port,
    // faultline:ignore:sg-ingress-open-to-world -- the public entry point of the site; AWS WAF filters it (below)
    cidrBlocks: ['0.0.0.0/0'],
    description: port === 80 ? 'HTTP, redirected to HTTPS' : 'HTTPS',
  });
}

new aws.ec2.SecurityGroupRule('alb-out-web', {
  type: 'egress',
  securityGroupId: albSecurityGroup.id,
  protocol: 'tcp',
  fromPort: 80,
  toPort: 80,
  sourceSecurityGroupId: webSecurityGroup.id,
});

new aws.ec2.SecurityGroupRule('web-in-alb', {
  type: 'ingress',
  securityGroupId: webSecurityGroup.id,
  protocol: 'tcp',
  fromPort: 80,
  toPort: 80,
  sourceSecurityGroupId: albSecurityGroup.id,
});

new aws.ec2.SecurityGroupRule('web-out-https', {
  type: 'egress',
  securityGroupId: webSecurityGroup.id,
  protocol: 'tcp',
  fromPort: 443,
  toPort: 443,
  cidrBlocks: ['0.0.0.0/0'],
  description: 'package repositories and AWS APIs through the NAT gateways',
});

new aws.ec2.SecurityGroupRule('web-out-db', {
  type: 'egress',
  securityGroupId: webSecurityGroup.id,
  protocol: 'tcp',
  fromPort: 3306,
  toPort: 3306,
  sourceSecurityGroupId: dbSecurityGroup.id,
});

new aws.ec2.SecurityGroupRule('db-in-web', {
  type: 'ingress',
  securityGroupId: dbSecurityGroup.id,
  protocol: 'tcp',
  fromPort: 3306,
  toPort: 3306,
  sourceSecurityGroupId: webSecurityGroup.id,
});

// ---------------------------------------------------------------- static assets

const staticAssets = new aws.s3.BucketV2('static-assets', { tags });

new aws.s3.BucketLoggingV2('static-assets-logging', {
  bucket: staticAssets.id,
  targetBucket: accessLogBucket,
  targetPrefix: 'static-assets/',
});

new aws.s3.BucketPublicAccessBlock('static-assets-pab', {
  bucket: staticAssets.id,
  blockPublicAcls: true,
  blockPublicPolicy: true,
  ignorePublicAcls: true,
  restrictPublicBuckets: true,
});

new aws.s3.BucketServerSideEncryptionConfigurationV2('static-assets-sse', {
  bucket: staticAssets.id,
  rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
});

// ---------------------------------------------------------------- IAM

const webRole = new aws.iam.Role('web-role', {
  assumeRolePolicy: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  }),
  tags,
});

// Read access to this application's bucket only.
new aws.iam.RolePolicy('web-static-assets', {
  role: webRole.id,
  policy: staticAssets.arn.apply((bucketArn) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: bucketArn },
        { Effect: 'Allow', Action: ['s3:GetObject'], Resource: `${bucketArn}/*` },
      ],
    }),
  ),
});

new aws.iam.RolePolicyAttachment('web-cloudwatch-agent', {
  role: webRole.name,
  policyArn: 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy',
});

new aws.iam.RolePolicyAttachment('web-ssm', {
  role: webRole.name,
  policyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
});

const instanceProfile = new aws.iam.InstanceProfile('web-profile', { role: webRole.name });

// The enhanced monitoring role is part of the stack: auto-named, so every stack has its own.
const rdsMonitoringRole = new aws.iam.Role('rds-monitoring', {
  assumeRolePolicy: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'monitoring.rds.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  }),
  tags,
});

new aws.iam.RolePolicyAttachment('rds-monitoring', {
  role: rdsMonitoringRole.name,
  policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole',
});

// ---------------------------------------------------------------- database

const dbEngineVersion = '8.0.43';
const dbFamily = `mysql${dbEngineVersion.split('.').slice(0, 2).join('.')}`;

const dbSubnetGroup = new aws.rds.SubnetGroup('db-subnets', {
  subnetIds: privateSubnets.map((s) => s.id),
  tags,
});

const dbParameterGroup = new aws.rds.ParameterGroup('db-params', {
  family: dbFamily,
  parameters: [
    { name: 'slow_query_log', value: '1' },
    { name: 'long_query_time', value: '2' },
  ],
  tags,
});

const database = new aws.rds.Instance('mysql', {
  engine: 'mysql',
  engineVersion: dbEngineVersion,
  instanceClass: dbInstanceClass,
  allocatedStorage: 50,
  maxAllocatedStorage: 500,
  storageType: 'gp3',
  storageEncrypted: true,
  dbName: 'webapp',
  username: 'webapp_admin',
  manageMasterUserPassword: true,
  dbSubnetGroupName: dbSubnetGroup.name,
  vpcSecurityGroupIds: [dbSecurityGroup.id],
  parameterGroupName: dbParameterGroup.name,
  multiAz: true,
  backupRetentionPeriod: 14,
  deletionProtection: isProduction,
  skipFinalSnapshot: !isProduction,
  finalSnapshotIdentifier: `webapp-${environmentSuffix}-final`,
  monitoringInterval: 60,
  monitoringRoleArn: rdsMonitoringRole.arn,
  performanceInsightsEnabled: true,
  tags,
});

// ---------------------------------------------------------------- web tier

const ami = aws.ec2.getAmi({
  mostRecent: true,
  owners: ['amazon'],
  filters: [{ name: 'name', values: ['al2023-ami-*-x86_64'] }],
});

const userData = `#!/bin/bash
dnf install -y httpd amazon-cloudwatch-agent
echo "<h1>webapp ${environmentSuffix}</h1>" > /var/www/html/index.html
systemctl enable --now httpd
`;

const launchTemplate = new aws.ec2.LaunchTemplate('web', {
  imageId: ami.then((a) => a.id),
  instanceType: webInstanceType,
  iamInstanceProfile: { arn: instanceProfile.arn },
  vpcSecurityGroupIds: [webSecurityGroup.id],
  userData: Buffer.from(userData).toString('base64'),
  metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
  blockDeviceMappings: [
    {
      deviceName: '/dev/xvda',
      ebs: { volumeSize: 20, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' },
    },
  ],
  tagSpecifications: [{ resourceType: 'instance', tags }],
});

const alb = new aws.lb.LoadBalancer('web', {
  internal: false,
  loadBalancerType: 'application',
  securityGroups: [albSecurityGroup.id],
  subnets: publicSubnets.map((s) => s.id),
  enableDeletionProtection: true,
  dropInvalidHeaderFields: true,
  accessLogs: { bucket: accessLogBucket, prefix: 'alb', enabled: true },
  tags,
});

const webAcl = new aws.wafv2.WebAcl('web', {
  scope: 'REGIONAL',
  defaultAction: { allow: {} },
  rules: [
    {
      name: 'aws-common',
      priority: 1,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
      visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: 'aws-common', sampledRequestsEnabled: true },
    },
    {
      name: 'rate-limit',
      priority: 2,
      action: { block: {} },
      statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: 'IP' } },
      visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: 'rate-limit', sampledRequestsEnabled: true },
    },
  ],
  visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: 'webapp', sampledRequestsEnabled: true },
  tags,
});

new aws.wafv2.WebAclAssociation('web', { resourceArn: alb.arn, webAclArn: webAcl.arn });

const targetGroup = new aws.lb.TargetGroup('web', {
  port: 80,
  protocol: 'HTTP',
  vpcId: vpc.id,
  healthCheck: { path: '/', healthyThreshold: 2, unhealthyThreshold: 3, interval: 30, timeout: 5 },
  tags,
});

new aws.lb.Listener('http', {
  loadBalancerArn: alb.arn,
  port: 80,
  protocol: 'HTTP',
  defaultActions: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
});

new aws.lb.Listener('https', {
  loadBalancerArn: alb.arn,
  port: 443,
  protocol: 'HTTPS',
  sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
  certificateArn,
  defaultActions: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
});

const autoScalingGroup = new aws.autoscaling.Group('web', {
  vpcZoneIdentifiers: privateSubnets.map((s) => s.id),
  minSize: 2,
  maxSize: 6,
  desiredCapacity: 2,
  healthCheckType: 'ELB',
  healthCheckGracePeriod: 600,
  targetGroupArns: [targetGroup.arn],
  launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply((v) => `${v}`) },
  tags: Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
});

new aws.autoscaling.Policy('web-cpu-target', {
  autoscalingGroupName: autoScalingGroup.name,
  policyType: 'TargetTrackingScaling',
  targetTrackingConfiguration: {
    predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' },
    targetValue: 60,
  },
});

// ---------------------------------------------------------------- monitoring

const alerts = new aws.sns.Topic('alerts', { kmsMasterKeyId: dataKey.id, tags });
new aws.sns.TopicSubscription('alerts-email', { topic: alerts.arn, protocol: 'email', endpoint: alarmEmail });

new aws.cloudwatch.MetricAlarm('db-connections', {
  comparisonOperator: 'GreaterThanThreshold',
  evaluationPeriods: 3,
  metricName: 'DatabaseConnections',
  namespace: 'AWS/RDS',
  period: 60,
  statistic: 'Maximum',
  threshold: 400,
  dimensions: { DBInstanceIdentifier: database.identifier },
  alarmActions: [alerts.arn],
});

new aws.cloudwatch.MetricAlarm('alb-unhealthy-hosts', {
  comparisonOperator: 'GreaterThanThreshold',
  evaluationPeriods: 2,
  metricName: 'UnHealthyHostCount',
  namespace: 'AWS/ApplicationELB',
  period: 60,
  statistic: 'Maximum',
  threshold: 0,
  dimensions: { LoadBalancer: alb.arnSuffix, TargetGroup: targetGroup.arnSuffix },
  alarmActions: [alerts.arn],
});

new aws.cloudwatch.LogGroup('app-logs', {
  name: `/webapp/${environmentSuffix}/httpd`,
  retentionInDays: 90,
  kmsKeyId: dataKey.arn,
  tags,
});

exports.vpcId = vpc.id;
exports.albDnsName = alb.dnsName;
exports.appUrl = pulumi.interpolate`https://${alb.dnsName}`;
exports.dbEndpoint = database.endpoint;
exports.staticAssetsBucket = staticAssets.bucket;
