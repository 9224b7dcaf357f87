/**
 * Generators of realistic Pulumi and Terraform programs for benchmarks: a VPC with subnets, security groups,
 * databases, buckets, log groups, roles, queues and functions, repeated per service until the size is reached.
 */
export type BenchLanguage = 'terraform' | 'typescript' | 'javascript' | 'python';

function tfService(i: number): string {
  return `
resource "aws_security_group" "svc${i}" {
  name        = "svc${i}-\${var.environment}"
  description = "Service ${i} tasks"
  vpc_id      = aws_vpc.main.id

  ingress {
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.alb.id]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = merge(local.tags, { Service = "svc${i}" })
}

resource "aws_db_instance" "svc${i}" {
  identifier              = "svc${i}-\${var.environment}"
  engine                  = "postgres"
  engine_version          = "16.4"
  instance_class          = var.db_instance_class
  allocated_storage       = 50
  max_allocated_storage   = 200
  storage_encrypted       = true
  multi_az                = ${i % 3 === 0 ? 'false' : 'true'}
  username                = "app"
  manage_master_user_password = true
  backup_retention_period = 7
  vpc_security_group_ids  = [aws_security_group.svc${i}.id]
  skip_final_snapshot     = false
  tags                    = local.tags
}

resource "aws_s3_bucket" "svc${i}_assets" {
  bucket = "\${local.prefix}-svc${i}-assets"
  tags   = local.tags
}

resource "aws_cloudwatch_log_group" "svc${i}" {
  name              = "/ecs/svc${i}-\${var.environment}"
  retention_in_days = ${i % 4 === 0 ? 0 : 30}
}

resource "aws_iam_role" "svc${i}" {
  name_prefix = "svc${i}-"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_sqs_queue" "svc${i}" {
  name                      = "svc${i}-\${var.environment}"
  message_retention_seconds = 345600
}
`;
}

function tsService(i: number, js: boolean): string {
  return `
const sg${i} = new aws.ec2.SecurityGroup("svc${i}", {
    vpcId: vpc.id,
    description: "Service ${i} tasks",
    ingress: [{ fromPort: 8080, toPort: 8080, protocol: "tcp", securityGroups: [albSg.id] }],
    egress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }],
    tags: { ...tags, Service: "svc${i}" },
});

const db${i} = new aws.rds.Instance("svc${i}", {
    identifier: \`svc${i}-\${environmentSuffix}\`,
    engine: "postgres",
    engineVersion: "16.4",
    instanceClass: config.get("dbInstanceClass") ?? "db.t4g.medium",
    allocatedStorage: 50,
    maxAllocatedStorage: 200,
    storageEncrypted: true,
    multiAz: ${i % 3 === 0 ? 'false' : 'true'},
    username: "app",
    manageMasterUserPassword: true,
    backupRetentionPeriod: 7,
    vpcSecurityGroupIds: [sg${i}.id],
    skipFinalSnapshot: false,
    tags,
});

const assets${i} = new aws.s3.BucketV2("svc${i}-assets", { tags });
const logs${i} = new aws.cloudwatch.LogGroup("svc${i}", {
    name: \`/ecs/svc${i}-\${environmentSuffix}\`,
    retentionInDays: ${i % 4 === 0 ? 0 : 30},
});
const role${i} = new aws.iam.Role("svc${i}", {
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "ecs-tasks.amazonaws.com" } }],
    }),
});
const queue${i} = new aws.sqs.Queue("svc${i}", { messageRetentionSeconds: 345600 });
export const svc${i}Endpoint = ${js ? 'db' + i + '.endpoint' : `pulumi.interpolate\`postgres://\${db${i}.endpoint}/app\``};
`;
}

function pyService(i: number): string {
  return `
sg${i} = aws.ec2.SecurityGroup(
    "svc${i}",
    vpc_id=vpc.id,
    description="Service ${i} tasks",
    ingress=[{"from_port": 8080, "to_port": 8080, "protocol": "tcp", "security_groups": [alb_sg.id]}],
    egress=[{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}],
    tags={**tags, "Service": "svc${i}"},
)

db${i} = aws.rds.Instance(
    "svc${i}",
    identifier=f"svc${i}-{environment_suffix}",
    engine="postgres",
    engine_version="16.4",
    instance_class=config.get("db_instance_class") or "db.t4g.medium",
    allocated_storage=50,
    max_allocated_storage=200,
    storage_encrypted=True,
    multi_az=${i % 3 === 0 ? 'False' : 'True'},
    username="app",
    manage_master_user_password=True,
    backup_retention_period=7,
    vpc_security_group_ids=[sg${i}.id],
    skip_final_snapshot=False,
    tags=tags,
)

assets${i} = aws.s3.BucketV2("svc${i}-assets", tags=tags)
logs${i} = aws.cloudwatch.LogGroup(
    "svc${i}",
    name=f"/ecs/svc${i}-{environment_suffix}",
    retention_in_days=${i % 4 === 0 ? 0 : 30},
)
role${i} = aws.iam.Role(
    "svc${i}",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}],
    }),
)
queue${i} = aws.sqs.Queue("svc${i}", message_retention_seconds=345600)
pulumi.export("svc${i}_endpoint", pulumi.Output.concat("postgres://", db${i}.endpoint, "/app"))
`;
}

const HEAD: Record<BenchLanguage, string> = {
  terraform: `terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 6.0" }
  }
}

variable "environment" {
  type = string
}

variable "db_instance_class" {
  type    = string
  default = "db.t4g.medium"
}

locals {
  prefix = "acme-\${var.environment}"
  tags   = { Environment = var.environment, Team = "platform" }
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_security_group" "alb" {
  vpc_id = aws_vpc.main.id
}
`,
  typescript: `import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const config = new pulumi.Config();
const environmentSuffix = config.require("environmentSuffix");
const tags = { Environment: environmentSuffix, Team: "platform" };
const vpc = new aws.ec2.Vpc("main", { cidrBlock: "10.0.0.0/16" });
const albSg = new aws.ec2.SecurityGroup("alb", { vpcId: vpc.id });
`,
  javascript: `"use strict";
const pulumi = require("@pulumi/pulumi");
const aws = require("@pulumi/aws");

const config = new pulumi.Config();
const environmentSuffix = config.require("environmentSuffix");
const tags = { Environment: environmentSuffix, Team: "platform" };
const vpc = new aws.ec2.Vpc("main", { cidrBlock: "10.0.0.0/16" });
const albSg = new aws.ec2.SecurityGroup("alb", { vpcId: vpc.id });
`,
  python: `import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
environment_suffix = config.require("environment_suffix")
tags = {"Environment": environment_suffix, "Team": "platform"}
vpc = aws.ec2.Vpc("main", cidr_block="10.0.0.0/16")
alb_sg = aws.ec2.SecurityGroup("alb", vpc_id=vpc.id)
`,
};

/** A program of at least `lines` lines in the language. */
export function generateProgram(lang: BenchLanguage, lines: number, seed = 0): string {
  let out = HEAD[lang];
  for (let i = seed; out.split('\n').length < lines; i++) {
    out += lang === 'terraform' ? tfService(i) : lang === 'python' ? pyService(i) : tsService(i, lang === 'javascript');
  }
  return out;
}

export const EXTENSION: Record<BenchLanguage, string> = { terraform: 'tf', typescript: 'ts', javascript: 'js', python: 'py' };
