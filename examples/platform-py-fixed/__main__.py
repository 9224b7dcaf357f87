"""Container platform shared by the dev, staging and prod environments.

One VPC per environment (non-overlapping CIDRs) with public, application and database subnets, an
ECS Fargate cluster running the API behind an HTTPS load balancer, a PostgreSQL database and a Redis
cache. Sizes, redundancy and retention come from the per-environment settings below.
"""
import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
environment = config.require("environment")
api_image = config.require("apiImage")
certificate_arn = config.require("certificateArn")
redis_auth_token = config.require_secret("redisAuthToken")
flow_log_bucket_arn = config.require("flowLogBucketArn")
web_acl_arn = config.require("webAclArn")
access_log_bucket = config.require("accessLogBucket")
project = pulumi.get_project()

ENVIRONMENTS = {
    "dev": {
        "cidr": "10.10.0.0/16",
        "db_class": "db.t4g.medium",
        "multi_az": False,
        "backup_days": 7,
        "cache_nodes": 1,
        "api_min": 1,
        "api_max": 2,
        "log_days": 14,
        "nat_gateways": 1,
    },
    "staging": {
        "cidr": "10.20.0.0/16",
        "db_class": "db.t4g.large",
        "multi_az": True,
        "backup_days": 7,
        "cache_nodes": 2,
        "api_min": 2,
        "api_max": 4,
        "log_days": 30,
        "nat_gateways": 2,
    },
    "prod": {
        "cidr": "10.30.0.0/16",
        "db_class": "db.r6g.large",
        "multi_az": True,
        "backup_days": 30,
        "cache_nodes": 2,
        "api_min": 3,
        "api_max": 12,
        "log_days": 365,
        "nat_gateways": 2,
    },
}
settings = ENVIRONMENTS[environment]
is_prod = environment == "prod"
name = f"{project}-{environment}"

common_tags = {
    "Project": project,
    "Environment": environment,
    "CostCenter": "platform-eng",
    "ManagedBy": "pulumi",
}

region = aws.get_region().name
account_id = aws.get_caller_identity().account_id
zones = aws.get_availability_zones(state="available").names[:2]

# ---------------------------------------------------------------- encryption key

key = aws.kms.Key(
    "platform-key",
    description=f"{name}: database, cache and logs",
    enable_key_rotation=True,
    policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdmin",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "CloudWatchLogs",
                    "Effect": "Allow",
                    "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                    "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                    "Resource": "*",
                },
            ],
        }
    ),
    tags=common_tags,
)

# ---------------------------------------------------------------- network

vpc = aws.ec2.Vpc(
    "platform-vpc",
    cidr_block=settings["cidr"],
    enable_dns_hostnames=True,
    enable_dns_support=True,
    tags={**common_tags, "Name": f"{name}-vpc"},
)
# Traffic records for incident response, kept in the organisation's log archive bucket.
aws.ec2.FlowLog(
    "platform-vpc-flow",
    vpc_id=vpc.id,
    traffic_type="ALL",
    log_destination_type="s3",
    log_destination=flow_log_bucket_arn,
    tags=common_tags,
)
igw = aws.ec2.InternetGateway("platform-igw", vpc_id=vpc.id, tags=common_tags)
public_rt = aws.ec2.RouteTable(
    "platform-public-rt",
    vpc_id=vpc.id,
    routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=igw.id)],
    tags=common_tags,
)

public_subnets, app_subnets, data_subnets, nat_gateways, private_rts = [], [], [], [], []
for i, az in enumerate(zones):
    public = aws.ec2.Subnet(
        f"platform-public-{i}",
        vpc_id=vpc.id,
        cidr_block=vpc.cidr_block.apply(lambda cidr, i=i: cidr.replace(".0.0/16", f".{i}.0/24")),
        availability_zone=az,
        tags={**common_tags, "Tier": "public"},
    )
    aws.ec2.RouteTableAssociation(f"platform-public-rta-{i}", subnet_id=public.id, route_table_id=public_rt.id)
    public_subnets.append(public)
    if i < settings["nat_gateways"]:
        eip = aws.ec2.Eip(f"platform-nat-eip-{i}", domain="vpc", tags=common_tags)
        nat_gateways.append(aws.ec2.NatGateway(f"platform-nat-{i}", allocation_id=eip.id, subnet_id=public.id, tags=common_tags))
    private_rt = aws.ec2.RouteTable(
        f"platform-private-rt-{i}",
        vpc_id=vpc.id,
        routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", nat_gateway_id=nat_gateways[min(i, len(nat_gateways) - 1)].id)],
        tags=common_tags,
    )
    private_rts.append(private_rt)
    for tier, offset, bucket in (("app", 10, app_subnets), ("data", 20, data_subnets)):
        subnet = aws.ec2.Subnet(
            f"platform-{tier}-{i}",
            vpc_id=vpc.id,
            cidr_block=vpc.cidr_block.apply(lambda cidr, n=offset + i: cidr.replace(".0.0/16", f".{n}.0/24")),
            availability_zone=az,
            tags={**common_tags, "Tier": tier},
        )
        aws.ec2.RouteTableAssociation(f"platform-{tier}-rta-{i}", subnet_id=subnet.id, route_table_id=private_rt.id)
        bucket.append(subnet)

# S3 traffic (image layers from ECR, exports) bypasses the NAT gateways.
aws.ec2.VpcEndpoint(
    "platform-s3-endpoint",
    vpc_id=vpc.id,
    service_name="com.amazonaws.us-east-1.s3",
    vpc_endpoint_type="Gateway",
    route_table_ids=[rt.id for rt in private_rts],
    tags=common_tags,
)

# ---------------------------------------------------------------- security groups
# Only the load balancer faces the internet; every other group admits the tier in front of it.

# faultline:ignore:sg-ingress-open-to-world -- the public HTTPS entry point; port 80 only redirects
alb_sg = aws.ec2.SecurityGroup(
    "platform-alb-sg",
    vpc_id=vpc.id,
    description="Public load balancer",
    ingress=[
        aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=443, to_port=443, cidr_blocks=["0.0.0.0/0"]),
        aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=80, to_port=80, cidr_blocks=["0.0.0.0/0"]),
    ],
    egress=[aws.ec2.SecurityGroupEgressArgs(protocol="tcp", from_port=8080, to_port=8080, cidr_blocks=[settings["cidr"]])],
    tags=common_tags,
)
app_sg = aws.ec2.SecurityGroup(
    "platform-app-sg",
    vpc_id=vpc.id,
    description="API tasks",
    ingress=[aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=8080, to_port=8080, security_groups=[alb_sg.id])],
    egress=[aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"])],
    tags=common_tags,
)
db_sg = aws.ec2.SecurityGroup(
    "platform-db-sg",
    vpc_id=vpc.id,
    description="PostgreSQL",
    ingress=[aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=5432, to_port=5432, security_groups=[app_sg.id])],
    tags=common_tags,
)
cache_sg = aws.ec2.SecurityGroup(
    "platform-cache-sg",
    vpc_id=vpc.id,
    description="Redis",
    ingress=[aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=6379, to_port=6379, security_groups=[app_sg.id])],
    tags=common_tags,
)

# ---------------------------------------------------------------- database

db_subnet_group = aws.rds.SubnetGroup("platform-db-subnets", subnet_ids=[s.id for s in data_subnets], tags=common_tags)

database = aws.rds.Instance(
    "platform-db",
    identifier=f"{name}-db",
    engine="postgres",
    engine_version="16.9",
    instance_class=settings["db_class"],
    allocated_storage=50,
    max_allocated_storage=500,
    storage_type="gp3",
    storage_encrypted=True,
    kms_key_id=key.arn,
    db_name="platform",
    username="platform",
    manage_master_user_password=True,
    db_subnet_group_name=db_subnet_group.name,
    vpc_security_group_ids=[db_sg.id],
    publicly_accessible=False,
    multi_az=settings["multi_az"],
    backup_retention_period=settings["backup_days"],
    deletion_protection=is_prod,
    skip_final_snapshot=not is_prod,
    final_snapshot_identifier=f"{name}-db-final",
    performance_insights_enabled=True,
    tags=common_tags,
)

# ---------------------------------------------------------------- cache

cache_subnet_group = aws.elasticache.SubnetGroup(
    "platform-cache-subnets", name=f"{name}-cache", subnet_ids=[s.id for s in data_subnets]
)

cache = aws.elasticache.ReplicationGroup(
    "platform-cache",
    replication_group_id=f"{name}-redis",
    description=f"{name} session and response cache",
    engine="redis",
    engine_version="7.1",
    node_type="cache.t4g.small",
    num_cache_clusters=settings["cache_nodes"],
    automatic_failover_enabled=settings["cache_nodes"] > 1,
    multi_az_enabled=settings["cache_nodes"] > 1,
    port=6379,
    subnet_group_name=cache_subnet_group.name,
    security_group_ids=[cache_sg.id],
    at_rest_encryption_enabled=True,
    kms_key_id=key.arn,
    transit_encryption_enabled=True,
    auth_token=redis_auth_token,
    snapshot_retention_limit=settings["backup_days"],
    tags=common_tags,
)

# ---------------------------------------------------------------- application data

uploads = aws.s3.BucketV2("platform-uploads", tags=common_tags)
aws.s3.BucketLoggingV2("platform-uploads-logging", bucket=uploads.id, target_bucket=access_log_bucket, target_prefix="uploads/")
aws.s3.BucketPublicAccessBlock(
    "platform-uploads-pab",
    bucket=uploads.id,
    block_public_acls=True,
    block_public_policy=True,
    ignore_public_acls=True,
    restrict_public_buckets=True,
)
jobs = aws.sqs.Queue("platform-jobs", sqs_managed_sse_enabled=True, tags=common_tags)

# ---------------------------------------------------------------- ECS

cluster = aws.ecs.Cluster(
    "platform-cluster",
    name=f"{name}-cluster",
    settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
    tags=common_tags,
)

api_log_group_name = f"/ecs/{name}-api"
log_group = aws.cloudwatch.LogGroup(
    "platform-api-logs",
    name=api_log_group_name,
    retention_in_days=settings["log_days"],
    kms_key_id=key.arn,
    tags=common_tags,
)

task_assume = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)

execution_role = aws.iam.Role("platform-execution-role", assume_role_policy=task_assume, tags=common_tags)
aws.iam.RolePolicyAttachment(
    "platform-execution-policy",
    role=execution_role.name,
    policy_arn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
)

# The API reads and writes its own bucket and queue, nothing else.
task_role = aws.iam.Role("platform-task-role", assume_role_policy=task_assume, tags=common_tags)
aws.iam.RolePolicy(
    "platform-task-data",
    role=task_role.id,
    policy=pulumi.Output.all(uploads.arn, jobs.arn).apply(
        lambda arns: json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"{arns[0]}/*"},
                    {
                        "Effect": "Allow",
                        "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                        "Resource": arns[1],
                    },
                ],
            }
        )
    ),
)

task_definition = aws.ecs.TaskDefinition(
    "platform-api-task",
    family=f"{name}-api",
    cpu="512",
    memory="1024",
    network_mode="awsvpc",
    requires_compatibilities=["FARGATE"],
    execution_role_arn=execution_role.arn,
    task_role_arn=task_role.arn,
    container_definitions=pulumi.Output.all(database.address, cache.primary_endpoint_address, jobs.url, uploads.bucket).apply(
        lambda values: json.dumps(
            [
                {
                    "name": "api",
                    "image": api_image,
                    "essential": True,
                    "portMappings": [{"containerPort": 8080}],
                    "environment": [
                        {"name": "DB_HOST", "value": values[0]},
                        {"name": "REDIS_HOST", "value": values[1]},
                        {"name": "REDIS_TLS", "value": "true"},
                        {"name": "JOBS_QUEUE_URL", "value": values[2]},
                        {"name": "UPLOADS_BUCKET", "value": values[3]},
                    ],
                    "logConfiguration": {
                        "logDriver": "awslogs",
                        "options": {
                            "awslogs-group": api_log_group_name,
                            "awslogs-region": region,
                            "awslogs-stream-prefix": "api",
                        },
                    },
                }
            ]
        )
    ),
    tags=common_tags,
    opts=pulumi.ResourceOptions(depends_on=[log_group]),
)

alb = aws.lb.LoadBalancer(
    "platform-alb",
    internal=False,
    load_balancer_type="application",
    security_groups=[alb_sg.id],
    subnets=[s.id for s in public_subnets],
    enable_deletion_protection=is_prod,
    drop_invalid_header_fields=True,
    access_logs=aws.lb.LoadBalancerAccessLogsArgs(bucket=access_log_bucket, prefix="alb", enabled=True),
    tags=common_tags,
)

# The shared web ACL (managed common rules and a rate limit) in front of the public load balancer.
aws.wafv2.WebAclAssociation("platform-alb-waf", resource_arn=alb.arn, web_acl_arn=web_acl_arn)

target_group = aws.lb.TargetGroup(
    "platform-api-tg",
    port=8080,
    protocol="HTTP",
    target_type="ip",
    vpc_id=vpc.id,
    health_check=aws.lb.TargetGroupHealthCheckArgs(path="/healthz", matcher="200"),
    tags=common_tags,
)

aws.lb.Listener(
    "platform-http",
    load_balancer_arn=alb.arn,
    port=80,
    protocol="HTTP",
    default_actions=[
        aws.lb.ListenerDefaultActionArgs(
            type="redirect",
            redirect=aws.lb.ListenerDefaultActionRedirectArgs(protocol="HTTPS", port="443", status_code="HTTP_301"),
        )
    ],
)

aws.lb.Listener(
    "platform-https",
    load_balancer_arn=alb.arn,
    port=443,
    protocol="HTTPS",
    ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06",
    certificate_arn=certificate_arn,
    default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=target_group.arn)],
)

service = aws.ecs.Service(
    "platform-api",
    cluster=cluster.arn,
    task_definition=task_definition.arn,
    desired_count=settings["api_min"],
    launch_type="FARGATE",
    network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
        subnets=[s.id for s in app_subnets], security_groups=[app_sg.id], assign_public_ip=False
    ),
    load_balancers=[aws.ecs.ServiceLoadBalancerArgs(target_group_arn=target_group.arn, container_name="api", container_port=8080)],
    deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
    tags=common_tags,
)

scaling_target = aws.appautoscaling.Target(
    "platform-api-scaling",
    service_namespace="ecs",
    scalable_dimension="ecs:service:DesiredCount",
    resource_id=pulumi.Output.concat("service/", cluster.name, "/", service.name),
    min_capacity=settings["api_min"],
    max_capacity=settings["api_max"],
)

aws.appautoscaling.Policy(
    "platform-api-cpu",
    policy_type="TargetTrackingScaling",
    service_namespace=scaling_target.service_namespace,
    scalable_dimension=scaling_target.scalable_dimension,
    resource_id=scaling_target.resource_id,
    target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
        predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
            predefined_metric_type="ECSServiceAverageCPUUtilization"
        ),
        target_value=60,
    ),
)

# ---------------------------------------------------------------- alarms

alarm_topic = aws.sns.Topic("platform-alarms", kms_master_key_id=key.id, tags=common_tags)

aws.cloudwatch.MetricAlarm(
    "platform-db-cpu",
    namespace="AWS/RDS",
    metric_name="CPUUtilization",
    statistic="Average",
    period=300,
    evaluation_periods=2,
    threshold=80,
    comparison_operator="GreaterThanThreshold",
    dimensions={"DBInstanceIdentifier": database.identifier},
    alarm_actions=[alarm_topic.arn],
    tags=common_tags,
)
aws.cloudwatch.MetricAlarm(
    "platform-alb-5xx",
    namespace="AWS/ApplicationELB",
    metric_name="HTTPCode_ELB_5XX_Count",
    statistic="Sum",
    period=60,
    evaluation_periods=5,
    threshold=10,
    comparison_operator="GreaterThanThreshold",
    dimensions={"LoadBalancer": alb.arn_suffix},
    alarm_actions=[alarm_topic.arn],
    tags=common_tags,
)
aws.cloudwatch.MetricAlarm(
    "platform-api-tasks",
    namespace="ECS/ContainerInsights",
    metric_name="RunningTaskCount",
    statistic="Minimum",
    period=60,
    evaluation_periods=3,
    threshold=1,
    comparison_operator="LessThanThreshold",
    dimensions={"ClusterName": cluster.name, "ServiceName": service.name},
    alarm_actions=[alarm_topic.arn],
    tags=common_tags,
)

pulumi.export("alb_dns_name", alb.dns_name)
pulumi.export("db_endpoint", database.endpoint)
pulumi.export("redis_endpoint", cache.primary_endpoint_address)
