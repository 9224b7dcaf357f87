variable "environment" {
  type = string
}

resource "aws_db_instance" "orders" {
  identifier                  = "orders-${var.environment}"
  engine                      = "postgres"
  engine_version              = "16.9"
  instance_class              = "db.t4g.medium"
  allocated_storage           = 50
  max_allocated_storage       = 200
  storage_encrypted           = true
  manage_master_user_password = true
  username                    = "orders"
  backup_retention_period     = 7
  deletion_protection         = true
  skip_final_snapshot         = false
}
