def register(router):
    """Add this module's viewsets to the sampling API router."""
