"""What the events app announces, so that the apps built on it act without events importing them.

`events_stored` is sent inside the transaction that stored the events (kwarg `events`: the new
rows, in order): a receiver's writes (the hooks app's deliveries) commit or roll back with them,
and a receiver's error undoes the batch, so no event is ever stored without its deliveries.
"""

from django.dispatch import Signal

events_stored = Signal()
