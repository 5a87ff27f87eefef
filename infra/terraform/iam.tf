# One identity per role, each with the least it needs.

resource "google_service_account" "functions" {
  account_id   = "tradehub-functions"
  display_name = "TradeHub functions (runtime of every HTTP and event function)"
}

resource "google_service_account" "scheduler" {
  account_id   = "tradehub-scheduler"
  display_name = "TradeHub Cloud Scheduler caller (OIDC into the jobs function)"
}

resource "google_service_account" "tasks" {
  account_id   = "tradehub-tasks"
  display_name = "TradeHub Cloud Tasks caller (OIDC into timer endpoints)"
}

resource "google_service_account" "events" {
  account_id   = "tradehub-events"
  display_name = "TradeHub Eventarc triggers (Pub/Sub into event functions)"
}

resource "google_service_account" "build" {
  account_id   = "tradehub-build"
  display_name = "TradeHub function builds"
}

# Runtime: Firestore, publishing events, creating tasks, logging.
resource "google_project_iam_member" "functions" {
  for_each = toset([
    "roles/datastore.user",
    "roles/pubsub.publisher",
    "roles/cloudtasks.enqueuer",
    "roles/logging.logWriter",
    "roles/cloudtrace.agent",
  ])
  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.functions.email}"
}

# Signed URLs without a key file: the runtime signs blobs as itself (IAM signBlob).
resource "google_service_account_iam_member" "functions_sign_as_self" {
  service_account_id = google_service_account.functions.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.functions.email}"
}

# Tasks carry an OIDC token of the tasks account: the runtime must be allowed to act as it.
resource "google_service_account_iam_member" "functions_act_as_tasks" {
  service_account_id = google_service_account.tasks.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.functions.email}"
}

resource "google_storage_bucket_iam_member" "functions_documents" {
  bucket = google_storage_bucket.documents.name
  role   = "roles/storage.objectAdmin"
  member = "serviceAccount:${google_service_account.functions.email}"
}

resource "google_secret_manager_secret_iam_member" "functions" {
  for_each  = google_secret_manager_secret.app
  secret_id = each.value.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.functions.email}"
}

# Eventarc: receive events and invoke the event functions.
resource "google_project_iam_member" "events_receiver" {
  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = "serviceAccount:${google_service_account.events.email}"
}

resource "google_cloud_run_service_iam_member" "events_invoke" {
  for_each = var.event_functions
  location = var.region
  service  = google_cloudfunctions2_function.event[each.key].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.events.email}"
}

# HTTP and jobs functions sit behind the load balancer (ingress: internal and load balancer only),
# which carries no Google identity: they are invocable by anyone who reaches them through it, and
# every route authenticates in the application (user JWT, or the scheduler's/tasks' OIDC token).
resource "google_cloud_run_service_iam_member" "public_invoke" {
  for_each = merge(var.http_functions, var.scheduler_functions)
  location = var.region
  service  = google_cloudfunctions2_function.http[each.key].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

resource "google_project_iam_member" "build" {
  for_each = toset([
    "roles/logging.logWriter",
    "roles/artifactregistry.writer",
    "roles/storage.objectViewer",
  ])
  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.build.email}"
}
