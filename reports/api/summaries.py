def register(router):
    """Add this module's viewsets to the reports API router."""
