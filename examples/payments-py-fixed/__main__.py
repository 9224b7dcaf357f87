"""Entry point: the payment processing service stack."""
import os

import pulumi

from lib.tap_stack import TapStack, TapStackArgs

config = pulumi.Config()
environment_suffix = os.getenv("ENVIRONMENT_SUFFIX") or pulumi.get_stack()

stack = TapStack(
    "payments",
    TapStackArgs(
        environment_suffix=environment_suffix,
        image=config.require("image"),
        certificate_arn=config.require("certificateArn"),
        tags={"Project": "payments", "Environment": environment_suffix, "Owner": "payments-team"},
    ),
)

pulumi.export("alb_dns_name", stack.alb_dns_name)
pulumi.export("service_name", stack.service_name)
pulumi.export("cluster_name", stack.cluster_name)
