# The public front door: a global external Application Load Balancer. Its URL map is built from the
# prefixes of shared/routing.py (functions.auto.tfvars.json), exactly like local/gateway.py, so the
# cloud and the local gateway route every path to the same function.
#
# CORS has one behaviour, the application's (shared/http/cors.py): the load balancer routes every
# method, OPTIONS included, to the function like any other request and sets no CORS policy of its own
# (no cors_policy on the URL map, no Cloud Armor rule on methods), so preflights are answered by the
# same code and configuration (WEB_APP_ORIGINS = var.web_origins) as locally.

locals {
  routed_functions = merge(var.http_functions, var.scheduler_functions)
}

resource "google_compute_region_network_endpoint_group" "function" {
  for_each              = local.routed_functions
  name                  = "${each.value.cloud_name}-neg"
  region                = var.region
  network_endpoint_type = "SERVERLESS"

  cloud_run {
    service = google_cloudfunctions2_function.http[each.key].name
  }
}

resource "google_compute_backend_service" "function" {
  for_each              = local.routed_functions
  name                  = "${each.value.cloud_name}-backend"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"

  backend {
    group = google_compute_region_network_endpoint_group.function[each.key].id
  }

  log_config {
    enable      = true
    sample_rate = 1.0
  }
}

resource "google_compute_url_map" "api" {
  name = "tradehub-api"
  # Paths no function owns go to the docs function, whose pipeline answers a JSON 404.
  default_service = google_compute_backend_service.function["docs"].id

  host_rule {
    hosts        = [var.domain]
    path_matcher = "api"
  }

  path_matcher {
    name            = "api"
    default_service = google_compute_backend_service.function["docs"].id

    dynamic "path_rule" {
      for_each = local.routed_functions
      content {
        paths   = flatten([for prefix in path_rule.value.prefixes : [prefix, "${prefix}/*"]])
        service = google_compute_backend_service.function[path_rule.key].id
      }
    }
  }
}

resource "google_compute_managed_ssl_certificate" "api" {
  name = "tradehub-api"

  managed {
    domains = [var.domain]
  }
}

resource "google_compute_target_https_proxy" "api" {
  name             = "tradehub-api"
  url_map          = google_compute_url_map.api.id
  ssl_certificates = [google_compute_managed_ssl_certificate.api.id]
}

resource "google_compute_global_address" "api" {
  name = "tradehub-api"
}

resource "google_compute_global_forwarding_rule" "https" {
  name                  = "tradehub-api-https"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.api.address
  port_range            = "443"
  target                = google_compute_target_https_proxy.api.id
}

# Plain HTTP only redirects to HTTPS.
resource "google_compute_url_map" "redirect" {
  name = "tradehub-http-redirect"

  default_url_redirect {
    https_redirect         = true
    strip_query            = false
    redirect_response_code = "MOVED_PERMANENTLY_DEFAULT"
  }
}

resource "google_compute_target_http_proxy" "redirect" {
  name    = "tradehub-http-redirect"
  url_map = google_compute_url_map.redirect.id
}

resource "google_compute_global_forwarding_rule" "http" {
  name                  = "tradehub-api-http"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.api.address
  port_range            = "80"
  target                = google_compute_target_http_proxy.redirect.id
}
