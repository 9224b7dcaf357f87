aws_region    = "us-west-1"
environment   = "production"
project       = "webapp"
instance_type = "t3.small"
