/**
 * The corpus of `npm run bench:peers`: realistic AWS systems (network edge, database, cache, storage, keys, audit
 * trail, instances, registries, queues), each written as a Terraform module, a Pulumi TypeScript program and a
 * Pulumi Python program. The settings vary with the system's number, so that every rule with an equivalent in a
 * peer meets both compliant and non-compliant resources: the same system has the same faults in all three languages.
 */

/** The choices that make system `i` differ from its neighbours. */
interface Knobs {
  webOpen: boolean; // the web security group admits 443 from the internet
  sshOpen: boolean; // ... and 22
  ruleOpen: boolean; // a separate aws_security_group_rule opens 5432 to the world
  dbPublic: boolean;
  dbEncrypted: boolean;
  dbBackup: number;
  dbDeletionProtection: boolean;
  dbMultiAz: boolean;
  aurora: boolean;
  auroraEncrypted: boolean;
  bucketBlock: 'full' | 'partial' | 'none';
  kmsRotation: boolean;
  imdsRequired: boolean;
  rootEncrypted: boolean;
  ecrScan: boolean;
  trail: boolean;
  trailLogs: boolean;
  trailValidation: boolean;
  logRetention: number; // 0: not set
  httpRedirect: boolean;
  cacheAtRest: boolean;
  cacheTransit: boolean;
  efsEncrypted: boolean;
  ebsEncrypted: boolean;
  snsKey: boolean;
  adminPolicy: boolean;
}

function knobs(i: number): Knobs {
  return {
    webOpen: i % 2 === 0,
    sshOpen: i % 9 === 4,
    ruleOpen: i % 8 === 3,
    dbPublic: i % 7 === 0,
    dbEncrypted: i % 4 !== 1,
    dbBackup: i % 6 === 5 ? 0 : i % 6 === 2 ? 1 : 7,
    dbDeletionProtection: i % 2 === 1,
    dbMultiAz: i % 3 !== 0,
    aurora: i % 3 === 0,
    auroraEncrypted: i % 5 !== 0,
    bucketBlock: i % 3 === 0 ? 'full' : i % 3 === 1 ? 'partial' : 'none',
    kmsRotation: i % 2 === 0,
    imdsRequired: i % 3 !== 2,
    rootEncrypted: i % 4 !== 2,
    ecrScan: i % 2 === 1,
    trail: i % 4 === 0,
    trailLogs: i % 8 === 0,
    trailValidation: i % 12 !== 4,
    logRetention: i % 4 === 1 ? 0 : 30,
    httpRedirect: i % 3 !== 1,
    cacheAtRest: i % 5 !== 3,
    cacheTransit: i % 5 !== 4,
    efsEncrypted: i % 6 !== 1,
    ebsEncrypted: i % 5 !== 2,
    snsKey: i % 2 === 0,
    adminPolicy: i % 6 === 0,
  };
}

export function terraformSystem(i: number): Record<string, string> {
  const k = knobs(i);
  const s = `sys${i}`;
  const versions = `terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

variable "environment" {
  type    = string
  default = "prod"
}

variable "vpc_cidr" {
  type    = string
  default = "10.${i % 250}.0.0/16"
}

locals {
  prefix = "${s}-\${var.environment}"
  tags   = { System = "${s}", Environment = var.environment }
}
`;
  const network = `resource "aws_vpc" "main" {
  cidr_block           = var.vpc_cidr
  enable_dns_hostnames = true
  tags                 = local.tags
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, 1)
  availability_zone = "eu-west-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, 2)
  availability_zone = "eu-west-1b"
}

resource "aws_security_group" "web" {
  name        = "\${local.prefix}-web"
  description = "Load balancer of ${s}"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ${k.webOpen ? '["0.0.0.0/0"]' : '[var.vpc_cidr]'}
  }
${
  k.sshOpen
    ? `
  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
`
    : ''
}
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = local.tags
}

resource "aws_security_group" "db" {
  name        = "\${local.prefix}-db"
  description = "Database of ${s}"
  vpc_id      = aws_vpc.main.id
  tags        = local.tags
}

resource "aws_security_group_rule" "db_from_web" {
  type                     = "ingress"
  description              = "Postgres from the web tier"
  security_group_id        = aws_security_group.db.id
  from_port                = 5432
  to_port                  = 5432
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.web.id
}
${
  k.ruleOpen
    ? `
resource "aws_security_group_rule" "db_public" {
  type              = "ingress"
  description       = "Postgres for the reporting vendor"
  security_group_id = aws_security_group.db.id
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
`
    : ''
}
resource "aws_lb" "web" {
  name               = "\${local.prefix}-web"
  load_balancer_type = "application"
  internal           = false
  security_groups    = [aws_security_group.web.id]
  subnets            = [aws_subnet.a.id, aws_subnet.b.id]
  drop_invalid_header_fields = true
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
${
  k.httpRedirect
    ? `    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }`
    : `    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn`
}
  }
}

resource "aws_lb_target_group" "web" {
  name     = "\${local.prefix}-web"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id
}
`;
  const data = `resource "aws_db_subnet_group" "main" {
  name       = "\${local.prefix}-db"
  subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
}

resource "aws_db_instance" "main" {
  identifier                  = "\${local.prefix}-db"
  engine                      = "postgres"
  engine_version              = "16.4"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 50
  max_allocated_storage       = 200
  storage_encrypted           = ${k.dbEncrypted}
  multi_az                    = ${k.dbMultiAz}
  publicly_accessible         = ${k.dbPublic}
  username                    = "app"
  manage_master_user_password = true
  backup_retention_period     = ${k.dbBackup}
  deletion_protection         = ${k.dbDeletionProtection}
  db_subnet_group_name        = aws_db_subnet_group.main.name
  vpc_security_group_ids      = [aws_security_group.db.id]
  skip_final_snapshot         = false
  final_snapshot_identifier   = "\${local.prefix}-db-final"
  tags                        = local.tags
}
${
  k.aurora
    ? `
resource "aws_rds_cluster" "reporting" {
  cluster_identifier          = "\${local.prefix}-reporting"
  engine                      = "aurora-postgresql"
  engine_version              = "16.4"
  master_username             = "report"
  manage_master_user_password = true
  storage_encrypted           = ${k.auroraEncrypted}
  backup_retention_period     = 14
  deletion_protection         = true
  db_subnet_group_name        = aws_db_subnet_group.main.name
  vpc_security_group_ids      = [aws_security_group.db.id]
  skip_final_snapshot         = false
  final_snapshot_identifier   = "\${local.prefix}-reporting-final"
}
`
    : ''
}
resource "aws_elasticache_subnet_group" "main" {
  name       = "\${local.prefix}-cache"
  subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "\${local.prefix}-cache"
  description                = "Sessions of ${s}"
  engine                     = "redis"
  node_type                  = "cache.t4g.small"
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  subnet_group_name          = aws_elasticache_subnet_group.main.name
  at_rest_encryption_enabled = ${k.cacheAtRest}
  transit_encryption_enabled = ${k.cacheTransit}
}

resource "aws_efs_file_system" "shared" {
  creation_token = "\${local.prefix}-shared"
  encrypted      = ${k.efsEncrypted}
  tags           = local.tags
}

resource "aws_ebs_volume" "scratch" {
  availability_zone = "eu-west-1a"
  size              = 100
  type              = "gp3"
  encrypted         = ${k.ebsEncrypted}
  tags              = local.tags
}
`;
  const storage = `resource "aws_kms_key" "main" {
  description             = "Data key of ${s}"
  deletion_window_in_days = 30
  enable_key_rotation     = ${k.kmsRotation}
}

resource "aws_s3_bucket" "data" {
  bucket = "\${local.prefix}-data"
  tags   = local.tags
}
${
  k.bucketBlock === 'none'
    ? ''
    : `
resource "aws_s3_bucket_public_access_block" "data" {
  bucket                  = aws_s3_bucket.data.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = ${k.bucketBlock === 'full'}
  restrict_public_buckets = ${k.bucketBlock === 'full'}
}
`
}
resource "aws_sns_topic" "alerts" {
  name = "\${local.prefix}-alerts"${k.snsKey ? '\n  kms_master_key_id = aws_kms_key.main.arn' : ''}
}

resource "aws_sqs_queue" "jobs" {
  name                      = "\${local.prefix}-jobs"
  message_retention_seconds = 345600
  sqs_managed_sse_enabled   = true
}

resource "aws_cloudwatch_log_group" "app" {
  name = "/app/\${local.prefix}"${k.logRetention ? `\n  retention_in_days = ${k.logRetention}` : ''}
  kms_key_id = aws_kms_key.main.arn
}
${
  k.trail
    ? `
resource "aws_cloudtrail" "audit" {
  name                       = "\${local.prefix}-audit"
  s3_bucket_name             = aws_s3_bucket.data.id
  is_multi_region_trail      = true
  kms_key_id                 = aws_kms_key.main.arn
  enable_log_file_validation = ${k.trailValidation}${
    k.trailLogs
      ? `
  cloud_watch_logs_group_arn = "\${aws_cloudwatch_log_group.app.arn}:*"
  cloud_watch_logs_role_arn  = aws_iam_role.app.arn`
      : ''
  }
}
`
    : ''
}`;
  const compute = `resource "aws_iam_role" "app" {
  name_prefix = "${s}-app-"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "app" {
  role       = aws_iam_role.app.name
  policy_arn = "${k.adminPolicy ? 'arn:aws:iam::aws:policy/AdministratorAccess' : 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'}"
}

resource "aws_iam_instance_profile" "app" {
  name_prefix = "${s}-app-"
  role        = aws_iam_role.app.name
}

resource "aws_instance" "worker" {
  ami                    = "ami-0c1bc246476a5572b"
  instance_type          = "t3.medium"
  subnet_id              = aws_subnet.a.id
  vpc_security_group_ids = [aws_security_group.db.id]
  iam_instance_profile   = aws_iam_instance_profile.app.name
  monitoring             = true
  ebs_optimized          = true

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "${k.imdsRequired ? 'required' : 'optional'}"
  }

  root_block_device {
    volume_size = 30
    encrypted   = ${k.rootEncrypted}
  }

  tags = local.tags
}

resource "aws_ecr_repository" "app" {
  name                 = "${s}/app"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = ${k.ecrScan}
  }
}
`;
  return { 'versions.tf': versions, 'network.tf': network, 'data.tf': data, 'storage.tf': storage, 'compute.tf': compute };
}

const tsBool = (b: boolean): string => String(b);
const pyBool = (b: boolean): string => (b ? 'True' : 'False');

/** The same system as a Pulumi TypeScript program (index.ts). */
export function typescriptSystem(i: number): string {
  const k = knobs(i);
  const s = `sys${i}`;
  return `import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const config = new pulumi.Config();
const environment = config.get("environment") ?? "prod";
const vpcCidr = config.get("vpcCidr") ?? "10.${i % 250}.0.0/16";
const prefix = \`${s}-\${environment}\`;
const tags = { System: "${s}", Environment: environment };

const vpc = new aws.ec2.Vpc("main", { cidrBlock: vpcCidr, enableDnsHostnames: true, tags });
const subnetA = new aws.ec2.Subnet("a", { vpcId: vpc.id, cidrBlock: "10.${i % 250}.1.0/24", availabilityZone: "eu-west-1a" });
const subnetB = new aws.ec2.Subnet("b", { vpcId: vpc.id, cidrBlock: "10.${i % 250}.2.0/24", availabilityZone: "eu-west-1b" });

const web = new aws.ec2.SecurityGroup("web", {
    description: "Load balancer of ${s}",
    vpcId: vpc.id,
    ingress: [
        { description: "HTTPS", fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ${k.webOpen ? '["0.0.0.0/0"]' : '[vpcCidr]'} },${
          k.sshOpen ? '\n        { description: "SSH", fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] },' : ''
        }
    ],
    egress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }],
    tags,
});
const dbSg = new aws.ec2.SecurityGroup("db", { description: "Database of ${s}", vpcId: vpc.id, tags });
new aws.ec2.SecurityGroupRule("db_from_web", {
    type: "ingress",
    securityGroupId: dbSg.id,
    fromPort: 5432,
    toPort: 5432,
    protocol: "tcp",
    sourceSecurityGroupId: web.id,
});
${
  k.ruleOpen
    ? `new aws.ec2.SecurityGroupRule("db_public", {
    type: "ingress",
    securityGroupId: dbSg.id,
    fromPort: 5432,
    toPort: 5432,
    protocol: "tcp",
    cidrBlocks: ["0.0.0.0/0"],
});
`
    : ''
}
const lb = new aws.lb.LoadBalancer("web", {
    loadBalancerType: "application",
    internal: false,
    securityGroups: [web.id],
    subnets: [subnetA.id, subnetB.id],
    dropInvalidHeaderFields: true,
});
const targets = new aws.lb.TargetGroup("web", { port: 8080, protocol: "HTTP", vpcId: vpc.id });
new aws.lb.Listener("http", {
    loadBalancerArn: lb.arn,
    port: 80,
    protocol: "HTTP",
    defaultActions: [${
      k.httpRedirect
        ? '{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }'
        : '{ type: "forward", targetGroupArn: targets.arn }'
    }],
});

const subnets = new aws.rds.SubnetGroup("main", { subnetIds: [subnetA.id, subnetB.id] });
const db = new aws.rds.Instance("main", {
    identifier: \`\${prefix}-db\`,
    engine: "postgres",
    engineVersion: "16.4",
    instanceClass: "db.t4g.medium",
    allocatedStorage: 50,
    maxAllocatedStorage: 200,
    storageEncrypted: ${tsBool(k.dbEncrypted)},
    multiAz: ${tsBool(k.dbMultiAz)},
    publiclyAccessible: ${tsBool(k.dbPublic)},
    username: "app",
    manageMasterUserPassword: true,
    backupRetentionPeriod: ${k.dbBackup},
    deletionProtection: ${tsBool(k.dbDeletionProtection)},
    dbSubnetGroupName: subnets.name,
    vpcSecurityGroupIds: [dbSg.id],
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: \`\${prefix}-db-final\`,
    tags,
});
${
  k.aurora
    ? `new aws.rds.Cluster("reporting", {
    clusterIdentifier: \`\${prefix}-reporting\`,
    engine: "aurora-postgresql",
    engineVersion: "16.4",
    masterUsername: "report",
    manageMasterUserPassword: true,
    storageEncrypted: ${tsBool(k.auroraEncrypted)},
    backupRetentionPeriod: 14,
    deletionProtection: true,
    dbSubnetGroupName: subnets.name,
    vpcSecurityGroupIds: [dbSg.id],
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: \`\${prefix}-reporting-final\`,
});
`
    : ''
}
const cacheSubnets = new aws.elasticache.SubnetGroup("main", { subnetIds: [subnetA.id, subnetB.id] });
new aws.elasticache.ReplicationGroup("cache", {
    description: "Sessions of ${s}",
    engine: "redis",
    nodeType: "cache.t4g.small",
    numCacheClusters: 2,
    automaticFailoverEnabled: true,
    subnetGroupName: cacheSubnets.name,
    atRestEncryptionEnabled: ${tsBool(k.cacheAtRest)},
    transitEncryptionEnabled: ${tsBool(k.cacheTransit)},
});
new aws.efs.FileSystem("shared", { encrypted: ${tsBool(k.efsEncrypted)}, tags });
new aws.ebs.Volume("scratch", { availabilityZone: "eu-west-1a", size: 100, type: "gp3", encrypted: ${tsBool(k.ebsEncrypted)}, tags });

const key = new aws.kms.Key("main", { description: "Data key of ${s}", deletionWindowInDays: 30, enableKeyRotation: ${tsBool(k.kmsRotation)} });
const bucket = new aws.s3.BucketV2("data", { tags });
${
  k.bucketBlock === 'none'
    ? ''
    : `new aws.s3.BucketPublicAccessBlock("data", {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: ${tsBool(k.bucketBlock === 'full')},
    restrictPublicBuckets: ${tsBool(k.bucketBlock === 'full')},
});
`
}new aws.sns.Topic("alerts", {${k.snsKey ? ' kmsMasterKeyId: key.arn ' : ''}});
new aws.sqs.Queue("jobs", { messageRetentionSeconds: 345600, sqsManagedSseEnabled: true });
const logs = new aws.cloudwatch.LogGroup("app", { name: \`/app/\${prefix}\`,${k.logRetention ? ` retentionInDays: ${k.logRetention},` : ''} kmsKeyId: key.arn });

const role = new aws.iam.Role("app", {
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "ec2.amazonaws.com" } }],
    }),
});
${
  k.trail
    ? `new aws.cloudtrail.Trail("audit", {
    s3BucketName: bucket.id,
    isMultiRegionTrail: true,
    kmsKeyId: key.arn,
    enableLogFileValidation: ${tsBool(k.trailValidation)},${
      k.trailLogs ? '\n    cloudWatchLogsGroupArn: pulumi.interpolate`${logs.arn}:*`,\n    cloudWatchLogsRoleArn: role.arn,' : ''
    }
});
`
    : ''
}new aws.iam.RolePolicyAttachment("app", {
    role: role.name,
    policyArn: "${k.adminPolicy ? 'arn:aws:iam::aws:policy/AdministratorAccess' : 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'}",
});
const profile = new aws.iam.InstanceProfile("app", { role: role.name });
new aws.ec2.Instance("worker", {
    ami: "ami-0c1bc246476a5572b",
    instanceType: "t3.medium",
    subnetId: subnetA.id,
    vpcSecurityGroupIds: [dbSg.id],
    iamInstanceProfile: profile.name,
    monitoring: true,
    ebsOptimized: true,
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "${k.imdsRequired ? 'required' : 'optional'}" },
    rootBlockDevice: { volumeSize: 30, encrypted: ${tsBool(k.rootEncrypted)} },
    tags,
});
new aws.ecr.Repository("app", {
    imageTagMutability: "IMMUTABLE",
    imageScanningConfiguration: { scanOnPush: ${tsBool(k.ecrScan)} },
});

export const dbEndpoint = db.endpoint;
`;
}

/** The same system as a Pulumi Python program (__main__.py). */
export function pythonSystem(i: number): string {
  const k = knobs(i);
  const s = `sys${i}`;
  return `import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
environment = config.get("environment") or "prod"
vpc_cidr = config.get("vpc_cidr") or "10.${i % 250}.0.0/16"
prefix = f"${s}-{environment}"
tags = {"System": "${s}", "Environment": environment}

vpc = aws.ec2.Vpc("main", cidr_block=vpc_cidr, enable_dns_hostnames=True, tags=tags)
subnet_a = aws.ec2.Subnet("a", vpc_id=vpc.id, cidr_block="10.${i % 250}.1.0/24", availability_zone="eu-west-1a")
subnet_b = aws.ec2.Subnet("b", vpc_id=vpc.id, cidr_block="10.${i % 250}.2.0/24", availability_zone="eu-west-1b")

web = aws.ec2.SecurityGroup(
    "web",
    description="Load balancer of ${s}",
    vpc_id=vpc.id,
    ingress=[
        {"description": "HTTPS", "from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ${k.webOpen ? '["0.0.0.0/0"]' : '[vpc_cidr]'}},${
          k.sshOpen
            ? '\n        {"description": "SSH", "from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]},'
            : ''
        }
    ],
    egress=[{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}],
    tags=tags,
)
db_sg = aws.ec2.SecurityGroup("db", description="Database of ${s}", vpc_id=vpc.id, tags=tags)
aws.ec2.SecurityGroupRule(
    "db_from_web",
    type="ingress",
    security_group_id=db_sg.id,
    from_port=5432,
    to_port=5432,
    protocol="tcp",
    source_security_group_id=web.id,
)
${
  k.ruleOpen
    ? `aws.ec2.SecurityGroupRule(
    "db_public",
    type="ingress",
    security_group_id=db_sg.id,
    from_port=5432,
    to_port=5432,
    protocol="tcp",
    cidr_blocks=["0.0.0.0/0"],
)
`
    : ''
}
lb = aws.lb.LoadBalancer(
    "web",
    load_balancer_type="application",
    internal=False,
    security_groups=[web.id],
    subnets=[subnet_a.id, subnet_b.id],
    drop_invalid_header_fields=True,
)
targets = aws.lb.TargetGroup("web", port=8080, protocol="HTTP", vpc_id=vpc.id)
aws.lb.Listener(
    "http",
    load_balancer_arn=lb.arn,
    port=80,
    protocol="HTTP",
    default_actions=[${
      k.httpRedirect
        ? '{"type": "redirect", "redirect": {"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"}}'
        : '{"type": "forward", "target_group_arn": targets.arn}'
    }],
)

subnets = aws.rds.SubnetGroup("main", subnet_ids=[subnet_a.id, subnet_b.id])
db = aws.rds.Instance(
    "main",
    identifier=f"{prefix}-db",
    engine="postgres",
    engine_version="16.4",
    instance_class="db.t4g.medium",
    allocated_storage=50,
    max_allocated_storage=200,
    storage_encrypted=${pyBool(k.dbEncrypted)},
    multi_az=${pyBool(k.dbMultiAz)},
    publicly_accessible=${pyBool(k.dbPublic)},
    username="app",
    manage_master_user_password=True,
    backup_retention_period=${k.dbBackup},
    deletion_protection=${pyBool(k.dbDeletionProtection)},
    db_subnet_group_name=subnets.name,
    vpc_security_group_ids=[db_sg.id],
    skip_final_snapshot=False,
    final_snapshot_identifier=f"{prefix}-db-final",
    tags=tags,
)
${
  k.aurora
    ? `aws.rds.Cluster(
    "reporting",
    cluster_identifier=f"{prefix}-reporting",
    engine="aurora-postgresql",
    engine_version="16.4",
    master_username="report",
    manage_master_user_password=True,
    storage_encrypted=${pyBool(k.auroraEncrypted)},
    backup_retention_period=14,
    deletion_protection=True,
    db_subnet_group_name=subnets.name,
    vpc_security_group_ids=[db_sg.id],
    skip_final_snapshot=False,
    final_snapshot_identifier=f"{prefix}-reporting-final",
)
`
    : ''
}
cache_subnets = aws.elasticache.SubnetGroup("main", subnet_ids=[subnet_a.id, subnet_b.id])
aws.elasticache.ReplicationGroup(
    "cache",
    description="Sessions of ${s}",
    engine="redis",
    node_type="cache.t4g.small",
    num_cache_clusters=2,
    automatic_failover_enabled=True,
    subnet_group_name=cache_subnets.name,
    at_rest_encryption_enabled=${pyBool(k.cacheAtRest)},
    transit_encryption_enabled=${pyBool(k.cacheTransit)},
)
aws.efs.FileSystem("shared", encrypted=${pyBool(k.efsEncrypted)}, tags=tags)
aws.ebs.Volume("scratch", availability_zone="eu-west-1a", size=100, type="gp3", encrypted=${pyBool(k.ebsEncrypted)}, tags=tags)

key = aws.kms.Key("main", description="Data key of ${s}", deletion_window_in_days=30, enable_key_rotation=${pyBool(k.kmsRotation)})
bucket = aws.s3.BucketV2("data", tags=tags)
${
  k.bucketBlock === 'none'
    ? ''
    : `aws.s3.BucketPublicAccessBlock(
    "data",
    bucket=bucket.id,
    block_public_acls=True,
    block_public_policy=True,
    ignore_public_acls=${pyBool(k.bucketBlock === 'full')},
    restrict_public_buckets=${pyBool(k.bucketBlock === 'full')},
)
`
}aws.sns.Topic("alerts"${k.snsKey ? ', kms_master_key_id=key.arn' : ''})
aws.sqs.Queue("jobs", message_retention_seconds=345600, sqs_managed_sse_enabled=True)
logs = aws.cloudwatch.LogGroup("app", name=f"/app/{prefix}",${k.logRetention ? ` retention_in_days=${k.logRetention},` : ''} kms_key_id=key.arn)

role = aws.iam.Role(
    "app",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}],
    }),
)
${
  k.trail
    ? `aws.cloudtrail.Trail(
    "audit",
    s3_bucket_name=bucket.id,
    is_multi_region_trail=True,
    kms_key_id=key.arn,
    enable_log_file_validation=${pyBool(k.trailValidation)},${
      k.trailLogs ? '\n    cloud_watch_logs_group_arn=logs.arn.apply(lambda arn: f"{arn}:*"),\n    cloud_watch_logs_role_arn=role.arn,' : ''
    }
)
`
    : ''
}aws.iam.RolePolicyAttachment(
    "app",
    role=role.name,
    policy_arn="${k.adminPolicy ? 'arn:aws:iam::aws:policy/AdministratorAccess' : 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'}",
)
profile = aws.iam.InstanceProfile("app", role=role.name)
aws.ec2.Instance(
    "worker",
    ami="ami-0c1bc246476a5572b",
    instance_type="t3.medium",
    subnet_id=subnet_a.id,
    vpc_security_group_ids=[db_sg.id],
    iam_instance_profile=profile.name,
    monitoring=True,
    ebs_optimized=True,
    metadata_options={"http_endpoint": "enabled", "http_tokens": "${k.imdsRequired ? 'required' : 'optional'}"},
    root_block_device={"volume_size": 30, "encrypted": ${pyBool(k.rootEncrypted)}},
    tags=tags,
)
aws.ecr.Repository(
    "app",
    image_tag_mutability="IMMUTABLE",
    image_scanning_configuration={"scan_on_push": ${pyBool(k.ecrScan)}},
)

pulumi.export("db_endpoint", db.endpoint)
`;
}
