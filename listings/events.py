from notifications.events import Event, register

register(
    Event("listing.approved", "A listing of my organization is approved", "listings/email/listing_approved"),
    Event("listing.rejected", "A listing of my organization is rejected", "listings/email/listing_rejected"),
    Event("listing.hidden", "A listing of my organization is hidden after reports", "listings/email/listing_hidden"),
    Event("listing.closed", "A listing of my organization is closed", "listings/email/listing_closed"),
    Event("listing.expired", "A listing of my organization expires", "listings/email/listing_expired"),
)
