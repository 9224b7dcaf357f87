"""Container platform shared by the dev, staging and prod environments.

One VPC per environment with public and database subnets, an ECS Fargate cluster running the API
behind a load balancer, a PostgreSQL database and a Redis cache.
"""
import json

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
environment = config.require("environment")
project = pulumi.get_project()

common_tags = {"Project": project, "Environment": environment}

# ---------------------------------------------------------------- network

vpc = aws.ec2.Vpc(
    "platform-vpc",
    cidr_block="10.0.0.0/16",
    enable_dns_hostnames=True,
    enable_dns_support=True,
    tags={**common_tags, "Name": f"{project}-{environment}-vpc"},
)

igw = aws.ec2.InternetGateway("platform-igw", vpc_id=vpc.id, tags=common_tags)

public_rt = aws.ec2.RouteTable(
    "platform-public-rt",
    vpc_id=vpc.id,
    routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=igw.id)],
    tags=common_tags,
)

public_subnets = []
for i, az in enumerate(["us-east-1a", "us-east-1b"]):
    subnet = aws.ec2.Subnet(
        f"platform-public-{i}",
        vpc_id=vpc.id,
        cidr_block=f"10.0.{i}.0/24",
        availability_zone=az,
        map_public_ip_on_launch=True,
        tags={**common_tags, "Tier": "public"},
    )
    aws.ec2.RouteTableAssociation(f"platform-public-rta-{i}", subnet_id=subnet.id, route_table_id=public_rt.id)
    public_subnets.append(subnet)

# ---------------------------------------------------------------- security groups

app_sg = aws.ec2.SecurityGroup(
    "platform-app-sg",
    vpc_id=vpc.id,
    description="API tasks and load balancer",
    ingress=[
        aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=80, to_port=80, cidr_blocks=["0.0.0.0/0"]),
        aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=8080, to_port=8080, cidr_blocks=["0.0.0.0/0"]),
    ],
    egress=[aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"])],
    tags=common_tags,
)

data_sg = aws.ec2.SecurityGroup(
    "platform-data-sg",
    vpc_id=vpc.id,
    description="Database and cache",
    ingress=[
        aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=5432, to_port=5432, cidr_blocks=["0.0.0.0/0"]),
        aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=6379, to_port=6379, cidr_blocks=["0.0.0.0/0"]),
    ],
    egress=[aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"])],
    tags=common_tags,
)

# ---------------------------------------------------------------- database

db_subnet_group = aws.rds.SubnetGroup(
    "platform-db-subnets",
    subnet_ids=[s.id for s in public_subnets],
    tags=common_tags,
)

database = aws.rds.Instance(
    "platform-db",
    identifier="platform-db",
    engine="postgres",
    engine_version="16.4",
    instance_class="db.t3.micro",
    allocated_storage=20,
    max_allocated_storage=100,
    db_name="platform",
    username="platform",
    password="Platform2024!",
    db_subnet_group_name=db_subnet_group.name,
    vpc_security_group_ids=[data_sg.id],
    publicly_accessible=True,
    backup_retention_period=0,
    skip_final_snapshot=True,
    tags=common_tags,
)

# ---------------------------------------------------------------- cache

cache_subnet_group = aws.elasticache.SubnetGroup(
    "platform-cache-subnets",
    subnet_ids=[s.id for s in public_subnets],
)

cache = aws.elasticache.ReplicationGroup(
    "platform-cache",
    replication_group_id="platform-redis",
    description="Session and response cache",
    engine="redis",
    engine_version="7.1",
    node_type="cache.t3.micro",
    num_cache_clusters=1,
    port=6379,
    subnet_group_name=cache_subnet_group.name,
    security_group_ids=[data_sg.id],
    tags=common_tags,
)

# ---------------------------------------------------------------- ECS

cluster = aws.ecs.Cluster("platform-cluster", name="platform-cluster", tags=common_tags)

log_group = aws.cloudwatch.LogGroup("platform-api-logs", name=f"/ecs/{project}-{environment}-api", tags=common_tags)

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

task_role = aws.iam.Role("platform-task-role", assume_role_policy=task_assume, tags=common_tags)
aws.iam.RolePolicyAttachment(
    "platform-task-s3",
    role=task_role.name,
    policy_arn="arn:aws:iam::aws:policy/AmazonS3FullAccess",
)
aws.iam.RolePolicyAttachment(
    "platform-task-sqs",
    role=task_role.name,
    policy_arn="arn:aws:iam::aws:policy/AmazonSQSFullAccess",
)

task_definition = aws.ecs.TaskDefinition(
    "platform-api-task",
    family=f"{project}-{environment}-api",
    cpu="512",
    memory="1024",
    network_mode="awsvpc",
    requires_compatibilities=["FARGATE"],
    execution_role_arn=execution_role.arn,
    task_role_arn=task_role.arn,
    container_definitions=pulumi.Output.all(database.address, cache.primary_endpoint_address).apply(
        lambda endpoints: json.dumps(
            [
                {
                    "name": "api",
                    "image": "public.ecr.aws/acme/platform-api:3.2.0",
                    "essential": True,
                    "portMappings": [{"containerPort": 8080}],
                    "environment": [
                        {"name": "DB_HOST", "value": endpoints[0]},
                        {"name": "REDIS_HOST", "value": endpoints[1]},
                    ],
                    "logConfiguration": {
                        "logDriver": "awslogs",
                        "options": {
                            "awslogs-group": f"/ecs/{project}-{environment}-api",
                            "awslogs-region": "us-east-1",
                            "awslogs-stream-prefix": "api",
                        },
                    },
                }
            ]
        )
    ),
    tags=common_tags,
)

alb = aws.lb.LoadBalancer(
    "platform-alb",
    internal=False,
    load_balancer_type="application",
    security_groups=[app_sg.id],
    subnets=[s.id for s in public_subnets],
    tags=common_tags,
)

target_group = aws.lb.TargetGroup(
    "platform-api-tg",
    port=8080,
    protocol="HTTP",
    target_type="ip",
    vpc_id=vpc.id,
    health_check=aws.lb.TargetGroupHealthCheckArgs(path="/healthz"),
    tags=common_tags,
)

aws.lb.Listener(
    "platform-http",
    load_balancer_arn=alb.arn,
    port=80,
    protocol="HTTP",
    default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=target_group.arn)],
)

service = aws.ecs.Service(
    "platform-api",
    cluster=cluster.arn,
    task_definition=task_definition.arn,
    desired_count=2,
    launch_type="FARGATE",
    network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
        subnets=[s.id for s in public_subnets], security_groups=[app_sg.id], assign_public_ip=True
    ),
    load_balancers=[aws.ecs.ServiceLoadBalancerArgs(target_group_arn=target_group.arn, container_name="api", container_port=8080)],
    tags=common_tags,
)

pulumi.export("alb_dns_name", alb.dns_name)
pulumi.export("db_endpoint", database.endpoint)
pulumi.export("redis_endpoint", cache.primary_endpoint_address)
