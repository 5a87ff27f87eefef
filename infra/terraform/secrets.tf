# Secret Manager secrets: names only. Values are added out of band, never in Terraform state:
#   printf '%s' "$VALUE" | gcloud secrets versions add tradehub-jwt-signing-key --data-file=-
locals {
  # environment variable (shared/config.py SECRET_VARIABLES) -> secret name
  secrets = {
    JWT_SIGNING_KEY    = "tradehub-jwt-signing-key"
    JOBS_SHARED_SECRET = "tradehub-jobs-shared-secret"
    SENDGRID_API_KEY   = "tradehub-sendgrid-api-key"
    TWILIO_AUTH_TOKEN  = "tradehub-twilio-auth-token"
  }
}

resource "google_secret_manager_secret" "app" {
  for_each  = local.secrets
  secret_id = each.value

  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }

  depends_on = [google_project_service.enabled]
}
