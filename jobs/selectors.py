from django.shortcuts import get_object_or_404

from .models import Job


def job_get_for_user(*, user, job_id: int) -> Job:
    """A job of one of the user's workspaces; 404 otherwise."""
    return get_object_or_404(Job.objects.filter(workspace__memberships__user=user), pk=job_id)
