def register(router):
    """Add this module's viewsets to the cases API router."""
