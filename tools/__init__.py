"""Course-maintenance tools (handouts, the projector app); not part of lstm_teach."""
