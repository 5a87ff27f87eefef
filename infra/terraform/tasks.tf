# Per-entity timers (offer validity, trade expiry): one named HTTP task each, POSTed with an OIDC
# token of the tasks account to PUBLIC_BASE_URL + path; handlers re-check state, so retries are safe.
resource "google_cloud_tasks_queue" "timers" {
  name     = "timers"
  location = var.region

  rate_limits {
    max_dispatches_per_second = 50
    max_concurrent_dispatches = 20
  }

  retry_config {
    max_attempts       = 10
    min_backoff        = "5s"
    max_backoff        = "600s"
    max_doublings      = 5
    max_retry_duration = "86400s"
  }

  stackdriver_logging_config {
    sampling_ratio = 1.0
  }

  depends_on = [google_project_service.enabled]
}
