"""Samples follow their holder: a sample is seen in the county of its lot's holder, kept on
the sample (`Sample.county`), so a correction of the holder's county in the register, made
through the register's services or the admin, moves its samples with it."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Sample


@receiver(post_save, sender="licensing.Operator", dispatch_uid="samples_follow_their_holder")
def samples_follow_their_holder(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return  # a new holder has no samples; fixtures load samples as they were
    Sample.objects.filter(lot__operator_id=instance.pk).exclude(county_id=instance.county_id).update(
        county_id=instance.county_id
    )
