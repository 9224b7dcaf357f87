variable "aws_region" {
  description = "Region to deploy into"
  type        = string
  default     = "us-west-1"
}

variable "environment" {
  description = "Environment name, used as a prefix of every resource name"
  type        = string
}

variable "project" {
  description = "Project name"
  type        = string
  default     = "webapp"
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC"
  type        = string
  default     = "10.0.0.0/16"
}

variable "instance_type" {
  description = "Instance type of the web servers"
  type        = string
  default     = "t3.small"
}

variable "db_username" {
  description = "Master user name of the database"
  type        = string
  default     = "dbadmin"
}

variable "domain_name" {
  description = "Domain the site is served on; its Route 53 hosted zone must exist"
  type        = string
}

variable "alarm_email" {
  description = "Address that receives the alarm notifications"
  type        = string
}
