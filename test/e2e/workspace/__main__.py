import pulumi_aws as aws

app_logs = aws.cloudwatch.LogGroup("app-logs", name_prefix="/app/")
