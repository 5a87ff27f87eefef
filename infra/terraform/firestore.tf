resource "google_firestore_database" "main" {
  name                              = "(default)"
  location_id                       = var.firestore_location
  type                              = "FIRESTORE_NATIVE"
  concurrency_mode                  = "PESSIMISTIC"
  app_engine_integration_mode       = "DISABLED"
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = "DELETE_PROTECTION_ENABLED"

  depends_on = [google_project_service.enabled]
}

# TTL policies: Firestore deletes a document some time (usually within a day) after its field passes.
locals {
  ttl_fields = {
    idempotency_keys = { collection = "idempotencyKeys", field = "expiresAt" }
    sessions         = { collection = "sessions", field = "expiresAt" }
    rate_limits      = { collection = "rateLimits", field = "expiresAt" }
    login_failures   = { collection = "loginFailures", field = "expiresAt" }
    otp_challenges   = { collection = "otpChallenges", field = "expiresAt" }
    password_resets  = { collection = "passwordResets", field = "expiresAt" }
    processed_timers = { collection = "processedTimers", field = "expiresAt" }
  }
}

resource "google_firestore_field" "ttl" {
  for_each   = local.ttl_fields
  database   = google_firestore_database.main.name
  collection = each.value.collection
  field      = each.value.field

  ttl_config {}
}

# The rate-limit counters (shared/ratelimit.py: the map `w` of rateLimits documents, a new field every
# minute) are never queried: no single-field indexes on them (an empty index_config disables them; the
# map's subfields inherit it), so a call's one write updates no index entries for them.
resource "google_firestore_field" "rate_limit_counters" {
  database   = google_firestore_database.main.name
  collection = "rateLimits"
  field      = "w"

  index_config {}
}

# Composite indexes: one entry per query the API runs that needs one, in firestore_indexes.json
# (the firestore.indexes.json format of the Firebase CLI, so `firebase deploy --only firestore:indexes`
# reads the same file). Add an entry next to the code that runs the query.
locals {
  index_file = jsondecode(file("${path.module}/firestore_indexes.json"))
  indexes = {
    for index in local.index_file.indexes :
    "${index.collectionGroup}:${lookup(index, "queryScope", "COLLECTION")}:${join(",", [
      for field in index.fields : "${field.fieldPath}:${lookup(field, "order", lookup(field, "arrayConfig", ""))}"
    ])}" => index
  }
}

resource "google_firestore_index" "composite" {
  for_each    = local.indexes
  database    = google_firestore_database.main.name
  collection  = each.value.collectionGroup
  query_scope = lookup(each.value, "queryScope", "COLLECTION")

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path   = fields.value.fieldPath
      order        = lookup(fields.value, "order", null)
      array_config = lookup(fields.value, "arrayConfig", null)
    }
  }
}
