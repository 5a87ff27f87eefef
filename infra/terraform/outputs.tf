output "api_base_url" {
  description = "Base URL of the API (point the domain's A record at api_ip_address)."
  value       = local.public_base_url
}

output "api_ip_address" {
  description = "The load balancer's address."
  value       = google_compute_global_address.api.address
}

output "function_urls" {
  description = "Direct URLs of the functions (reachable only through the load balancer or Eventarc)."
  value = merge(
    { for name, fn in google_cloudfunctions2_function.http : name => fn.service_config[0].uri },
    { for name, fn in google_cloudfunctions2_function.event : name => fn.service_config[0].uri },
  )
}

output "documents_bucket" {
  value = google_storage_bucket.documents.name
}

output "secrets" {
  description = "Secret Manager secrets to fill (gcloud secrets versions add NAME --data-file=-)."
  value       = [for secret in google_secret_manager_secret.app : secret.secret_id]
}

output "service_accounts" {
  value = {
    functions = google_service_account.functions.email
    scheduler = google_service_account.scheduler.email
    tasks     = google_service_account.tasks.email
    events    = google_service_account.events.email
  }
}
