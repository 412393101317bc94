def register(router):
    """Add this module's viewsets to the inspections API router."""
