# ---- set per environment (terraform.tfvars or -var) ------------------------------------------------

variable "project_id" {
  description = "Google Cloud project that hosts TradeHub."
  type        = string
}

variable "region" {
  description = "Region of the functions, queue, scheduler jobs and bucket (Mumbai)."
  type        = string
  default     = "asia-south1"
}

variable "firestore_location" {
  description = "Firestore database location."
  type        = string
  default     = "asia-south1"
}

variable "web_app_url" {
  description = "Base URL of the web client, for links in e-mails (invites, password resets)."
  type        = string
}

variable "domain" {
  description = "Public host name of the API (the load balancer's managed certificate is issued for it)."
  type        = string
}

variable "web_origins" {
  description = "Origins of the web client (https://host[:port]): the API's CORS (WEB_APP_ORIGINS) and the signed Storage URLs' bucket CORS."
  type        = list(string)

  validation {
    condition     = length(var.web_origins) > 0 && alltrue([for origin in var.web_origins : can(regex("^https://[a-z0-9.-]+(:[0-9]{1,5})?$", origin))])
    error_message = "web_origins must list at least one origin, each https://host[:port] (no '*', no path, no plain http)."
  }
}

variable "release" {
  description = "Version reported by the health endpoints (TRADEHUB_VERSION)."
  type        = string
  default     = "0.1.0"
}

variable "twilio_account_sid" {
  description = "Twilio account SID (not a secret; the auth token is in Secret Manager)."
  type        = string
}

variable "email_from" {
  description = "Sender address of outgoing email."
  type        = string
  default     = "no-reply@tradehub.rnrl.in"
}

variable "sms_sender_id" {
  description = "DLT-registered SMS sender id."
  type        = string
  default     = "RNRLTH"
}

variable "sms_dlt_entity_id" {
  description = "DLT principal entity id for SMS in India."
  type        = string
}

variable "function_memory" {
  description = "Memory of each HTTP and event function."
  type        = string
  default     = "512Mi"
}

variable "max_instances" {
  description = "Upper bound of instances per function (a cost ceiling)."
  type        = number
  default     = 20
}

variable "min_instances_http" {
  description = "Instances kept warm per HTTP function (0 = scale to zero; 1 removes most cold starts)."
  type        = number
  default     = 0
}

# ---- generated from code by infra/generate.py (*.auto.tfvars.json); never edit by hand --------------

variable "http_functions" {
  description = "HTTP functions of shared/routing.py: entry point and URL prefixes."
  type = map(object({
    cloud_name  = string
    entry_point = string
    prefixes    = list(string)
  }))
}

variable "scheduler_functions" {
  description = "The jobs function of shared/routing.py."
  type = map(object({
    cloud_name  = string
    entry_point = string
    prefixes    = list(string)
  }))
}

variable "event_functions" {
  description = "Pub/Sub-triggered functions of shared/routing.py."
  type = map(object({
    cloud_name  = string
    entry_point = string
    topic       = string
  }))
}

variable "event_topics" {
  description = "Topics the event functions consume."
  type        = list(string)
}

variable "scheduled_jobs" {
  description = "Jobs of shared/jobs.py: cron in India time and the path on the jobs function."
  type = map(object({
    schedule    = string
    time_zone   = string
    path        = string
    description = string
  }))
}
