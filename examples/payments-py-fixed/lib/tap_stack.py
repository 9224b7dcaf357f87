"""Payment processing service: VPC, ALB (HTTPS, WAF), ECS Fargate service with auto scaling and alarms."""
import json
from typing import Optional

import pulumi
import pulumi_aws as aws


class TapStackArgs:
    """Arguments of the stack: the environment suffix (default "dev") and common tags."""

    def __init__(
        self,
        environment_suffix: str,
        image: str,
        certificate_arn: str,
        tags: Optional[dict] = None,
    ):
        self.environment_suffix = environment_suffix
        self.image = image
        self.certificate_arn = certificate_arn
        self.tags = tags or {}


class TapStack(pulumi.ComponentResource):
    def __init__(self, name: str, args: TapStackArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("tap:payments:TapStack", name, None, opts)
        suffix = args.environment_suffix
        tags = args.tags
        # The region of the provider, not of the shell that runs the deployment.
        region = aws.get_region().name
        account_id = aws.get_caller_identity().account_id
        child = pulumi.ResourceOptions(parent=self)

        task_cpu = "512"
        task_memory = "1024"
        container_port = 8080
        log_group_name = f"/ecs/payment-service-{suffix}"

        # ------------------------------------------------------------ encryption key
        key = aws.kms.Key(
            f"payments-key-{suffix}",
            description=f"payments {suffix}: logs and alarm notifications",
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
                        {
                            "Sid": "CloudWatchAlarms",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudwatch.amazonaws.com"},
                            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                            "Resource": "*",
                        },
                    ],
                }
            ),
            tags=tags,
            opts=child,
        )

        # ------------------------------------------------------------ network
        zones = aws.get_availability_zones(state="available")

        vpc = aws.ec2.Vpc(
            f"payments-vpc-{suffix}",
            cidr_block="10.20.0.0/16",
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={**tags, "Name": f"payments-vpc-{suffix}"},
            opts=child,
        )
        igw = aws.ec2.InternetGateway(f"payments-igw-{suffix}", vpc_id=vpc.id, tags=tags, opts=child)

        public_rt = aws.ec2.RouteTable(
            f"payments-public-rt-{suffix}",
            vpc_id=vpc.id,
            routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=igw.id)],
            tags=tags,
            opts=child,
        )

        public_subnets = []
        private_subnets = []
        for i, az in enumerate(zones.names[:2]):
            public = aws.ec2.Subnet(
                f"payments-public-{i}-{suffix}",
                vpc_id=vpc.id,
                cidr_block=f"10.20.{i}.0/24",
                availability_zone=az,
                map_public_ip_on_launch=True,
                tags={**tags, "Tier": "public"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"payments-public-rta-{i}-{suffix}", subnet_id=public.id, route_table_id=public_rt.id, opts=child
            )
            public_subnets.append(public)
            private_subnets.append(
                aws.ec2.Subnet(
                    f"payments-private-{i}-{suffix}",
                    vpc_id=vpc.id,
                    cidr_block=f"10.20.{i + 10}.0/24",
                    availability_zone=az,
                    tags={**tags, "Tier": "private"},
                    opts=child,
                )
            )

        # Single NAT gateway for cost optimisation.
        nat_eip = aws.ec2.Eip(f"payments-nat-eip-{suffix}", domain="vpc", tags=tags, opts=child)
        nat_gateway = aws.ec2.NatGateway(
            f"payments-nat-{suffix}",
            allocation_id=nat_eip.id,
            subnet_id=public_subnets[0].id,
            tags=tags,
            opts=child,
        )
        private_rt = aws.ec2.RouteTable(
            f"payments-private-rt-{suffix}",
            vpc_id=vpc.id,
            routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", nat_gateway_id=nat_gateway.id)],
            tags=tags,
            opts=child,
        )
        for i, subnet in enumerate(private_subnets):
            aws.ec2.RouteTableAssociation(
                f"payments-private-rta-{i}-{suffix}", subnet_id=subnet.id, route_table_id=private_rt.id, opts=child
            )

        # S3 traffic (ECR image layers) bypasses the NAT gateway.
        aws.ec2.VpcEndpoint(
            f"payments-s3-endpoint-{suffix}",
            vpc_id=vpc.id,
            service_name=f"com.amazonaws.{region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[private_rt.id],
            tags=tags,
            opts=child,
        )

        # VPC flow logs for network audits.
        flow_log_group = aws.cloudwatch.LogGroup(
            f"payments-flow-logs-{suffix}",
            name=f"/vpc/payments-{suffix}/flow-logs",
            retention_in_days=365,
            kms_key_id=key.arn,
            tags=tags,
            opts=child,
        )
        flow_log_role = aws.iam.Role(
            f"payments-flow-log-role-{suffix}",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}
                    ],
                }
            ),
            tags=tags,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"payments-flow-log-policy-{suffix}",
            role=flow_log_role.id,
            policy=flow_log_group.arn.apply(
                lambda arn: json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                                "Resource": f"{arn}:*",
                            }
                        ],
                    }
                )
            ),
            opts=child,
        )
        aws.ec2.FlowLog(
            f"payments-flow-log-{suffix}",
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination=flow_log_group.arn,
            iam_role_arn=flow_log_role.arn,
            tags=tags,
            opts=child,
        )

        # ------------------------------------------------------------ security groups
        # faultline:ignore:sg-ingress-open-to-world -- the public entry point of the payment API; AWS WAF filters it (below)
        alb_sg = aws.ec2.SecurityGroup(
            f"payments-alb-sg-{suffix}",
            vpc_id=vpc.id,
            description="Payment API load balancer",
            ingress=[
                aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=80, to_port=80, cidr_blocks=["0.0.0.0/0"]),
                aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=443, to_port=443, cidr_blocks=["0.0.0.0/0"]),
            ],
            egress=[aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"])],
            tags=tags,
            opts=child,
        )
        service_sg = aws.ec2.SecurityGroup(
            f"payments-service-sg-{suffix}",
            vpc_id=vpc.id,
            description="Payment API tasks",
            ingress=[
                aws.ec2.SecurityGroupIngressArgs(
                    protocol="tcp", from_port=container_port, to_port=container_port, security_groups=[alb_sg.id]
                )
            ],
            egress=[aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"])],
            tags=tags,
            opts=child,
        )

        # ------------------------------------------------------------ load balancer
        alb = aws.lb.LoadBalancer(
            f"payments-alb-{suffix}",
            internal=False,
            load_balancer_type="application",
            security_groups=[alb_sg.id],
            subnets=[s.id for s in public_subnets],
            enable_deletion_protection=True,
            # The account's shared access-log bucket (its policy admits the regional ELB account).
            access_logs=aws.lb.LoadBalancerAccessLogsArgs(bucket=f"payments-alb-logs-{account_id}", prefix=suffix, enabled=True),
            tags=tags,
            opts=child,
        )
        target_group = aws.lb.TargetGroup(
            f"payments-tg-{suffix}",
            port=container_port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=vpc.id,
            deregistration_delay=30,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                path="/health", interval=10, timeout=5, healthy_threshold=2, unhealthy_threshold=3, matcher="200"
            ),
            tags=tags,
            opts=child,
        )
        aws.lb.Listener(
            f"payments-http-{suffix}",
            load_balancer_arn=alb.arn,
            port=80,
            protocol="HTTP",
            default_actions=[
                aws.lb.ListenerDefaultActionArgs(
                    type="redirect",
                    redirect=aws.lb.ListenerDefaultActionRedirectArgs(protocol="HTTPS", port="443", status_code="HTTP_301"),
                )
            ],
            opts=child,
        )
        aws.lb.Listener(
            f"payments-https-{suffix}",
            load_balancer_arn=alb.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06",
            certificate_arn=args.certificate_arn,
            default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=target_group.arn)],
            opts=child,
        )

        web_acl = aws.wafv2.WebAcl(
            f"payments-waf-{suffix}",
            scope="REGIONAL",
            default_action=aws.wafv2.WebAclDefaultActionArgs(allow=aws.wafv2.WebAclDefaultActionAllowArgs()),
            rules=[
                aws.wafv2.WebAclRuleArgs(
                    name="rate-limit",
                    priority=1,
                    action=aws.wafv2.WebAclRuleActionArgs(block=aws.wafv2.WebAclRuleActionBlockArgs()),
                    statement=aws.wafv2.WebAclRuleStatementArgs(
                        rate_based_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementArgs(limit=1000, aggregate_key_type="IP")
                    ),
                    visibility_config=aws.wafv2.WebAclRuleVisibilityConfigArgs(
                        cloudwatch_metrics_enabled=True, metric_name="rate-limit", sampled_requests_enabled=True
                    ),
                )
            ],
            visibility_config=aws.wafv2.WebAclVisibilityConfigArgs(
                cloudwatch_metrics_enabled=True, metric_name=f"payments-{suffix}", sampled_requests_enabled=True
            ),
            tags=tags,
            opts=child,
        )
        aws.wafv2.WebAclAssociation(
            f"payments-waf-association-{suffix}", resource_arn=alb.arn, web_acl_arn=web_acl.arn, opts=child
        )

        # ------------------------------------------------------------ ECS
        cluster = aws.ecs.Cluster(
            f"payments-cluster-{suffix}",
            name=f"payments-cluster-{suffix}",
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
            tags=tags,
            opts=child,
        )
        aws.ecs.ClusterCapacityProviders(
            f"payments-capacity-{suffix}",
            cluster_name=cluster.name,
            capacity_providers=["FARGATE", "FARGATE_SPOT"],
            opts=child,
        )

        log_group = aws.cloudwatch.LogGroup(
            f"payments-logs-{suffix}",
            name=log_group_name,
            retention_in_days=90,
            kms_key_id=key.arn,
            tags=tags,
            opts=child,
        )

        assume_ecs_tasks = json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ],
            }
        )
        execution_role = aws.iam.Role(
            f"payments-execution-role-{suffix}", assume_role_policy=assume_ecs_tasks, tags=tags, opts=child
        )
        aws.iam.RolePolicyAttachment(
            f"payments-execution-policy-{suffix}",
            role=execution_role.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
            opts=child,
        )
        # Empty on purpose: the application gets no AWS permissions until it needs them.
        task_role = aws.iam.Role(f"payments-task-role-{suffix}", assume_role_policy=assume_ecs_tasks, tags=tags, opts=child)

        task_definition = aws.ecs.TaskDefinition(
            f"payments-task-{suffix}",
            family=f"payment-service-{suffix}",
            cpu=task_cpu,
            memory=task_memory,
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            execution_role_arn=execution_role.arn,
            task_role_arn=task_role.arn,
            container_definitions=json.dumps(
                [
                    {
                        "name": "payment-api",
                        "image": args.image,
                        "essential": True,
                        "portMappings": [{"containerPort": container_port, "protocol": "tcp"}],
                        "environment": [{"name": "ENVIRONMENT", "value": suffix}],
                        "logConfiguration": {
                            "logDriver": "awslogs",
                            "options": {
                                "awslogs-group": log_group_name,
                                "awslogs-region": region,
                                "awslogs-stream-prefix": "payment-api",
                            },
                        },
                    }
                ]
            ),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[log_group]),
        )

        service = aws.ecs.Service(
            f"payments-service-{suffix}",
            name=f"payment-service-{suffix}",
            cluster=cluster.arn,
            task_definition=task_definition.arn,
            desired_count=2,
            capacity_provider_strategies=[
                aws.ecs.ServiceCapacityProviderStrategyArgs(capacity_provider="FARGATE", base=2, weight=1),
                aws.ecs.ServiceCapacityProviderStrategyArgs(capacity_provider="FARGATE_SPOT", weight=3),
            ],
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=[s.id for s in private_subnets], security_groups=[service_sg.id], assign_public_ip=False
            ),
            load_balancers=[
                aws.ecs.ServiceLoadBalancerArgs(
                    target_group_arn=target_group.arn, container_name="payment-api", container_port=container_port
                )
            ],
            health_check_grace_period_seconds=60,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[nat_gateway]),
        )

        # ------------------------------------------------------------ auto scaling
        scaling_target = aws.appautoscaling.Target(
            f"payments-scaling-target-{suffix}",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.concat("service/", cluster.name, "/", service.name),
            min_capacity=2,
            max_capacity=10,
            opts=child,
        )
        aws.appautoscaling.Policy(
            f"payments-cpu-scaling-{suffix}",
            policy_type="TargetTrackingScaling",
            service_namespace=scaling_target.service_namespace,
            scalable_dimension=scaling_target.scalable_dimension,
            resource_id=scaling_target.resource_id,
            target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                    predefined_metric_type="ECSServiceAverageCPUUtilization"
                ),
                target_value=70,
                scale_out_cooldown=30,
                scale_in_cooldown=60,
            ),
            opts=child,
        )

        # ------------------------------------------------------------ monitoring
        alerts = aws.sns.Topic(f"payments-alerts-{suffix}", kms_master_key_id=key.id, tags=tags, opts=child)

        for metric, threshold in (("CPUUtilization", 85), ("MemoryUtilization", 90)):
            aws.cloudwatch.MetricAlarm(
                f"payments-{metric.lower()}-{suffix}",
                comparison_operator="GreaterThanThreshold",
                evaluation_periods=2,
                metric_name=metric,
                namespace="AWS/ECS",
                period=60,
                statistic="Average",
                threshold=threshold,
                dimensions={"ClusterName": cluster.name, "ServiceName": service.name},
                alarm_actions=[alerts.arn],
                tags=tags,
                opts=child,
            )

        aws.cloudwatch.Dashboard(
            f"payments-dashboard-{suffix}",
            dashboard_name=f"payments-{suffix}",
            dashboard_body=pulumi.Output.json_dumps(
                {
                    "widgets": [
                        {
                            "type": "metric",
                            "width": 12,
                            "height": 6,
                            "properties": {
                                "title": "Request count and latency",
                                "region": region,
                                "metrics": [
                                    ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", alb.arn_suffix],
                                    [".", "TargetResponseTime", ".", alb.arn_suffix, {"stat": "p99"}],
                                ],
                            },
                        }
                    ]
                }
            ),
            opts=child,
        )

        self.alb_dns_name = alb.dns_name
        self.service_name = service.name
        self.cluster_name = cluster.name
        self.register_outputs(
            {"alb_dns_name": self.alb_dns_name, "service_name": self.service_name, "cluster_name": self.cluster_name}
        )
