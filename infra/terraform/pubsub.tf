# Topics of shared/routing.py (domain-events from the outbox; email-requests and sms-requests from
# the notifications fan-out), each with a dead-letter topic.
resource "google_pubsub_topic" "events" {
  for_each                   = toset(var.event_topics)
  name                       = each.value
  message_retention_duration = "604800s"

  depends_on = [google_project_service.enabled]
}

resource "google_pubsub_topic" "dead_letter" {
  for_each                   = toset(var.event_topics)
  name                       = "${each.value}-dead-letter"
  message_retention_duration = "604800s"
}

# Dead letters are kept for inspection and replay. Eventarc owns the trigger subscriptions and does
# not expose their dead-letter policy, so consumers that give up on a message (after their own
# retries with backoff) publish it here themselves, besides their dead-letter record in Firestore.
resource "google_pubsub_subscription" "dead_letter" {
  for_each                   = google_pubsub_topic.dead_letter
  name                       = "${each.value.name}-hold"
  topic                      = each.value.id
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"
  retain_acked_messages      = true

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_topic_iam_member" "functions_publish_dead_letter" {
  for_each = google_pubsub_topic.dead_letter
  topic    = each.value.id
  role     = "roles/pubsub.publisher"
  member   = "serviceAccount:${google_service_account.functions.email}"
}
