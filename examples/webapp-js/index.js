'use strict';
// Production web application: an internet-facing ALB in front of an Auto Scaling group of
// EC2 instances in private subnets, backed by a MySQL RDS instance, in a two-AZ VPC.
const pulumi = require('@pulumi/pulumi');
const aws = require('@pulumi/aws');

const config = new pulumi.Config();
const environmentSuffix = config.get('environmentSuffix') || 'prod';
const dbPassword = config.requireSecret('dbPassword');

const tags = {
  Project: 'webapp',
  Environment: environmentSuffix,
  ManagedBy: 'pulumi',
};

const availableAZs = aws.getAvailabilityZones({ state: 'available' });

// ---------------------------------------------------------------- network

const vpc = new aws.ec2.Vpc('prod-vpc', {
  cidrBlock: '10.0.0.0/16',
  enableDnsHostnames: true,
  enableDnsSupport: true,
  tags: { ...tags, Name: `prod-vpc-${environmentSuffix}` },
});

const internetGateway = new aws.ec2.InternetGateway('prod-igw', {
  vpcId: vpc.id,
  tags: { ...tags, Name: `prod-igw-${environmentSuffix}` },
});

const publicSubnet1 = new aws.ec2.Subnet('prod-public-subnet-1', {
  vpcId: vpc.id,
  cidrBlock: '10.0.1.0/24',
  availabilityZone: availableAZs.then((azs) => azs.names[0]),
  mapPublicIpOnLaunch: true,
  tags: { ...tags, Name: `prod-public-1-${environmentSuffix}`, Tier: 'public' },
});

const publicSubnet2 = new aws.ec2.Subnet('prod-public-subnet-2', {
  vpcId: vpc.id,
  cidrBlock: '10.0.2.0/24',
  availabilityZone: availableAZs.then((azs) => azs.names[1]),
  mapPublicIpOnLaunch: true,
  tags: { ...tags, Name: `prod-public-2-${environmentSuffix}`, Tier: 'public' },
});

const privateSubnet1 = new aws.ec2.Subnet('prod-private-subnet-1', {
  vpcId: vpc.id,
  cidrBlock: '10.0.11.0/24',
  availabilityZone: availableAZs.then((azs) => azs.names[0]),
  tags: { ...tags, Name: `prod-private-1-${environmentSuffix}`, Tier: 'private' },
});

const privateSubnet2 = new aws.ec2.Subnet('prod-private-subnet-2', {
  vpcId: vpc.id,
  cidrBlock: '10.0.12.0/24',
  availabilityZone: availableAZs.then((azs) => azs.names[1]),
  tags: { ...tags, Name: `prod-private-2-${environmentSuffix}`, Tier: 'private' },
});

const publicRouteTable = new aws.ec2.RouteTable('prod-public-rt', {
  vpcId: vpc.id,
  routes: [{ cidrBlock: '0.0.0.0/0', gatewayId: internetGateway.id }],
  tags: { ...tags, Name: `prod-public-rt-${environmentSuffix}` },
});

new aws.ec2.RouteTableAssociation('prod-public-rta-1', { subnetId: publicSubnet1.id, routeTableId: publicRouteTable.id });
new aws.ec2.RouteTableAssociation('prod-public-rta-2', { subnetId: publicSubnet2.id, routeTableId: publicRouteTable.id });

// One NAT gateway per AZ so that losing a zone does not cut the other zone off.
[
  { index: 1, publicSubnet: publicSubnet1, privateSubnet: privateSubnet1 },
  { index: 2, publicSubnet: publicSubnet2, privateSubnet: privateSubnet2 },
].forEach(({ index, publicSubnet, privateSubnet }) => {
  const eip = new aws.ec2.Eip(`prod-nat-eip-${index}`, {
    domain: 'vpc',
    tags: { ...tags, Name: `prod-nat-eip-${index}-${environmentSuffix}` },
  });
  const natGateway = new aws.ec2.NatGateway(`prod-nat-${index}`, {
    allocationId: eip.id,
    subnetId: publicSubnet.id,
    tags: { ...tags, Name: `prod-nat-${index}-${environmentSuffix}` },
  });
  const routeTable = new aws.ec2.RouteTable(`prod-private-rt-${index}`, {
    vpcId: vpc.id,
    routes: [{ cidrBlock: '0.0.0.0/0', natGatewayId: natGateway.id }],
    tags: { ...tags, Name: `prod-private-rt-${index}-${environmentSuffix}` },
  });
  new aws.ec2.RouteTableAssociation(`prod-private-rta-${index}`, {
    subnetId: privateSubnet.id,
    routeTableId: routeTable.id,
  });
});

// ---------------------------------------------------------------- security groups

const albSecurityGroup = new aws.ec2.SecurityGroup('prod-alb-sg', {
  vpcId: vpc.id,
  description: 'Internet-facing load balancer',
  ingress: [
    { protocol: 'tcp', fromPort: 80, toPort: 80, cidrBlocks: ['0.0.0.0/0'], description: 'HTTP' },
    { protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['0.0.0.0/0'], description: 'HTTPS' },
  ],
  egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'] }],
  tags: { ...tags, Name: `prod-alb-sg-${environmentSuffix}` },
});

// Inline rules that reference other groups: the groups depend on each other through these rules.
const ec2SecurityGroup = new aws.ec2.SecurityGroup('prod-ec2-sg', {
  vpcId: vpc.id,
  description: 'Web servers',
  ingress: [{ protocol: 'tcp', fromPort: 80, toPort: 80, securityGroups: [albSecurityGroup.id], description: 'HTTP from the ALB' }],
  egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'] }],
  tags: { ...tags, Name: `prod-ec2-sg-${environmentSuffix}` },
});

const rdsSecurityGroup = new aws.ec2.SecurityGroup('prod-rds-sg', {
  vpcId: vpc.id,
  description: 'MySQL database',
  ingress: [{ protocol: 'tcp', fromPort: 3306, toPort: 3306, securityGroups: [ec2SecurityGroup.id], description: 'MySQL from the web servers' }],
  tags: { ...tags, Name: `prod-rds-sg-${environmentSuffix}` },
});

// ---------------------------------------------------------------- IAM

const ec2Role = new aws.iam.Role('prod-ec2-role', {
  assumeRolePolicy: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  }),
  tags,
});

new aws.iam.RolePolicyAttachment('prod-ec2-s3-read', {
  role: ec2Role.name,
  policyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
});

new aws.iam.RolePolicyAttachment('prod-ec2-cloudwatch-agent', {
  role: ec2Role.name,
  policyArn: 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy',
});

const instanceProfile = new aws.iam.InstanceProfile('prod-ec2-profile', { role: ec2Role.name });

// ---------------------------------------------------------------- static assets

const staticAssets = new aws.s3.BucketV2('prod-static-assets', {
  bucket: `prod-static-assets-${environmentSuffix}-${pulumi.getStack()}`,
  tags,
});

new aws.s3.BucketPublicAccessBlock('prod-static-assets-pab', {
  bucket: staticAssets.id,
  blockPublicAcls: true,
  blockPublicPolicy: true,
  ignorePublicAcls: true,
  restrictPublicBuckets: true,
});

new aws.s3.BucketServerSideEncryptionConfigurationV2('prod-static-assets-sse', {
  bucket: staticAssets.id,
  rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
});

// ---------------------------------------------------------------- database

const dbSubnetGroup = new aws.rds.SubnetGroup('prod-db-subnet-group', {
  subnetIds: [privateSubnet1.id, privateSubnet2.id],
  tags,
});

const dbParameterGroup = new aws.rds.ParameterGroup('prod-db-params', {
  family: 'mysql8.0',
  parameters: [
    { name: 'slow_query_log', value: '1' },
    { name: 'long_query_time', value: '2' },
  ],
  tags,
});

const database = new aws.rds.Instance('prod-mysql', {
  identifier: `prod-mysql-${environmentSuffix}`,
  engine: 'mysql',
  engineVersion: '8.0',
  instanceClass: 'db.t3.micro',
  allocatedStorage: 20,
  storageType: 'gp3',
  storageEncrypted: true,
  dbName: 'webapp',
  username: 'admin',
  password: dbPassword,
  dbSubnetGroupName: dbSubnetGroup.name,
  vpcSecurityGroupIds: [rdsSecurityGroup.id],
  parameterGroupName: dbParameterGroup.name,
  multiAz: true,
  backupRetentionPeriod: 7,
  skipFinalSnapshot: true,
  monitoringInterval: 60,
  // Reuse the account's monitoring role, or create it when the lookup fails.
  monitoringRoleArn: aws.iam
    .getRole({ name: 'rds-monitoring-role' })
    .then((role) => role.arn)
    .catch(() => {
      const monitoringRole = new aws.iam.Role('prod-rds-monitoring-role', {
        name: 'rds-monitoring-role',
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'monitoring.rds.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
        managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole'],
      });
      return monitoringRole.arn;
    }),
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

const launchTemplate = new aws.ec2.LaunchTemplate('prod-launch-template', {
  namePrefix: 'prod-web-',
  imageId: ami.then((a) => a.id),
  instanceType: 't3.micro',
  iamInstanceProfile: { arn: instanceProfile.arn },
  vpcSecurityGroupIds: [ec2SecurityGroup.id],
  userData: Buffer.from(userData).toString('base64'),
  blockDeviceMappings: [
    {
      deviceName: '/dev/xvda',
      ebs: { volumeSize: 20, volumeType: 'gp3', deleteOnTermination: 'true' },
    },
  ],
  tagSpecifications: [{ resourceType: 'instance', tags }],
});

const alb = new aws.lb.LoadBalancer('prod-alb', {
  internal: false,
  loadBalancerType: 'application',
  securityGroups: [albSecurityGroup.id],
  subnets: [publicSubnet1.id, publicSubnet2.id],
  tags,
});

const targetGroup = new aws.lb.TargetGroup('prod-tg', {
  port: 80,
  protocol: 'HTTP',
  vpcId: vpc.id,
  healthCheck: { path: '/', healthyThreshold: 2, unhealthyThreshold: 3, interval: 30, timeout: 5 },
  tags,
});

new aws.lb.Listener('prod-http-listener', {
  loadBalancerArn: alb.arn,
  port: 80,
  protocol: 'HTTP',
  defaultActions: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
});

const autoScalingGroup = new aws.autoscaling.Group('prod-asg', {
  vpcZoneIdentifiers: [privateSubnet1.id, privateSubnet2.id],
  minSize: 2,
  maxSize: 6,
  desiredCapacity: 2,
  healthCheckType: 'ELB',
  healthCheckGracePeriod: 300,
  targetGroupArns: [targetGroup.arn],
  launchTemplate: { id: launchTemplate.id, version: '$Latest' },
  tags: Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
});

const scaleUp = new aws.autoscaling.Policy('prod-scale-up', {
  autoscalingGroupName: autoScalingGroup.name,
  adjustmentType: 'ChangeInCapacity',
  scalingAdjustment: 1,
  cooldown: 300,
});

const scaleDown = new aws.autoscaling.Policy('prod-scale-down', {
  autoscalingGroupName: autoScalingGroup.name,
  adjustmentType: 'ChangeInCapacity',
  scalingAdjustment: -1,
  cooldown: 300,
});

new aws.cloudwatch.MetricAlarm('prod-cpu-high', {
  comparisonOperator: 'GreaterThanThreshold',
  evaluationPeriods: 2,
  metricName: 'CPUUtilization',
  namespace: 'AWS/EC2',
  period: 120,
  statistic: 'Average',
  threshold: 70,
  dimensions: { AutoScalingGroupName: autoScalingGroup.name },
  alarmActions: [scaleUp.arn],
});

new aws.cloudwatch.MetricAlarm('prod-cpu-low', {
  comparisonOperator: 'LessThanThreshold',
  evaluationPeriods: 2,
  metricName: 'CPUUtilization',
  namespace: 'AWS/EC2',
  period: 120,
  statistic: 'Average',
  threshold: 20,
  dimensions: { AutoScalingGroupName: autoScalingGroup.name },
  alarmActions: [scaleDown.arn],
});

new aws.cloudwatch.LogGroup('prod-app-logs', {
  name: `/webapp/${environmentSuffix}/httpd`,
  retentionInDays: 14,
  tags,
});

exports.vpcId = vpc.id;
exports.albDnsName = alb.dnsName;
exports.appUrl = pulumi.interpolate`http://${alb.dnsName}`;
exports.dbEndpoint = database.endpoint;
exports.staticAssetsBucket = staticAssets.bucket;
