terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { Project = "quake" }
  }
}

# the replica region's provider, used only when var.replica_region is set
provider "aws" {
  alias  = "replica"
  region = var.replica_region != "" ? var.replica_region : var.region
}
