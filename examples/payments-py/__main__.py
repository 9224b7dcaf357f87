"""Entry point: the payment processing service stack."""
import os

import pulumi

from lib.tap_stack import TapStack, TapStackArgs

environment_suffix = os.getenv("ENVIRONMENT_SUFFIX", "dev")

stack = TapStack(
    "payments",
    TapStackArgs(
        environment_suffix=environment_suffix,
        tags={"Project": "payments", "Environment": environment_suffix, "Owner": "payments-team"},
    ),
)

pulumi.export("alb_dns_name", stack.alb_dns_name)
pulumi.export("service_name", stack.service_name)
pulumi.export("cluster_name", stack.cluster_name)
