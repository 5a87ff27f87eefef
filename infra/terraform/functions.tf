# Every Cloud Function of shared/routing.py, from one source archive. main.py holds one entry point
# per function and imports its group lazily, so each function only pays for its own code.

locals {
  secret_env = {
    for variable, secret in local.secrets : variable => google_secret_manager_secret.app[variable].secret_id
  }
}

# HTTP functions (the web client, through the load balancer) and the jobs function (Cloud Scheduler
# and Cloud Tasks, through the load balancer with OIDC).
resource "google_cloudfunctions2_function" "http" {
  for_each    = merge(var.http_functions, var.scheduler_functions)
  name        = each.value.cloud_name
  location    = var.region
  description = "TradeHub ${each.key}: ${join(", ", each.value.prefixes)}"

  build_config {
    runtime         = "python311"
    entry_point     = each.value.entry_point
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory                 = var.function_memory
    timeout_seconds                  = each.key == "jobs" ? 540 : 60
    max_instance_count               = var.max_instances
    min_instance_count               = each.key == "jobs" ? 0 : var.min_instances_http
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_AND_GCLB"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.functions.email
    environment_variables            = local.function_env

    dynamic "secret_environment_variables" {
      for_each = local.secret_env
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = secret_environment_variables.value
        version    = "latest"
      }
    }
  }

  depends_on = [google_project_service.enabled, google_secret_manager_secret_iam_member.functions]
}

# CloudEvent functions, one per topic, delivered by Eventarc with retries (handlers are idempotent:
# they dedupe on eventId).
resource "google_cloudfunctions2_function" "event" {
  for_each    = var.event_functions
  name        = each.value.cloud_name
  location    = var.region
  description = "TradeHub ${each.key}: consumes ${each.value.topic}"

  build_config {
    runtime         = "python311"
    entry_point     = each.value.entry_point
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory                 = var.function_memory
    timeout_seconds                  = 120
    max_instance_count               = var.max_instances
    min_instance_count               = 0
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.functions.email
    environment_variables            = local.function_env

    dynamic "secret_environment_variables" {
      for_each = local.secret_env
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = secret_environment_variables.value
        version    = "latest"
      }
    }
  }

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = google_pubsub_topic.events[each.value.topic].id
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.events.email
  }

  depends_on = [google_project_service.enabled, google_secret_manager_secret_iam_member.functions]
}
