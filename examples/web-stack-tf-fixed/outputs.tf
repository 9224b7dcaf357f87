output "vpc_id" {
  description = "ID of the VPC"
  value       = aws_vpc.main.id
}

output "alb_dns_name" {
  description = "DNS name of the load balancer"
  value       = aws_lb.app.dns_name
}

output "rds_endpoint" {
  description = "Endpoint of the database"
  value       = aws_db_instance.main.endpoint
}

output "logging_bucket" {
  description = "Bucket that receives CloudTrail and load balancer logs"
  value       = aws_s3_bucket.logging.id
}

output "certificate_arn" {
  description = "ARN of the HTTPS certificate"
  value       = aws_acm_certificate_validation.main.certificate_arn
}
