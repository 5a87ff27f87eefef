# KYC documents, test reports and contract PDFs: private, reached only through V4 signed URLs.
resource "google_storage_bucket" "documents" {
  name                        = "${var.project_id}-tradehub-documents"
  location                    = var.region
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  versioning {
    enabled = true
  }

  # Browsers upload and download directly with signed URLs. The response headers are also the request
  # headers a preflight may ask for: the signed upload's own (shared/adapters/storage.py) among them.
  cors {
    origin          = var.web_origins
    method          = ["GET", "PUT", "HEAD"]
    response_header = ["Content-Type", "Content-Length", "Content-Disposition", "x-goog-content-length-range", "x-goog-meta-*"]
    max_age_seconds = 3600
  }

  # Superseded versions are kept 90 days, then removed.
  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 90
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }
}

# Function source archives (one zip of the repository per deploy).
resource "google_storage_bucket" "sources" {
  name                        = "${var.project_id}-tradehub-sources"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  # Versioned so a deploy's archive cannot be overwritten in place; old versions go after 7 days.
  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 7
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age = 30
    }
    action {
      type = "Delete"
    }
  }
}

data "archive_file" "source" {
  type        = "zip"
  source_dir  = "${path.module}/../.."
  output_path = "${path.module}/.build/source.zip"
  excludes = [
    ".git", ".venv", ".venv-tasks-emulator", ".local", ".ci", ".ruff_cache", ".pytest_cache",
    "infra", "tests", "bench", "dev", "local", "requirements-dev.txt", "Makefile",
  ]
}

resource "google_storage_bucket_object" "source" {
  name   = "source-${data.archive_file.source.output_md5}.zip"
  bucket = google_storage_bucket.sources.name
  source = data.archive_file.source.output_path
}
