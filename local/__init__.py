"""The local stack: emulators, gateway, capture endpoint, scheduler, seeding. Never deployed."""
