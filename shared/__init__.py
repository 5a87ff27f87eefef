"""The platform package: config, HTTP pipeline, auth guards, Firestore access, events and adapters."""
