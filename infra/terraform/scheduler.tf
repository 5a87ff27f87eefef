# One Cloud Scheduler job per entry of shared/jobs.py (via jobs.auto.tfvars.json). Each calls
# POST <public base URL>/jobs/<name> with an OIDC token of the scheduler account; the jobs function
# checks the token's audience (PUBLIC_BASE_URL) and email (SCHEDULER_SERVICE_ACCOUNT).
resource "google_cloud_scheduler_job" "jobs" {
  for_each         = var.scheduled_jobs
  name             = "tradehub-${each.key}"
  description      = each.value.description
  region           = var.region
  schedule         = each.value.schedule
  time_zone        = each.value.time_zone
  attempt_deadline = "540s"

  retry_config {
    retry_count          = 2
    min_backoff_duration = "30s"
    max_backoff_duration = "300s"
  }

  http_target {
    http_method = "POST"
    uri         = "${local.public_base_url}${each.value.path}"
    body        = base64encode("{}")
    headers = {
      "Content-Type" = "application/json"
    }

    oidc_token {
      service_account_email = google_service_account.scheduler.email
      audience              = local.public_base_url
    }
  }

  depends_on = [google_project_service.enabled]
}
