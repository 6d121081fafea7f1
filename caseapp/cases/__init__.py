"""Cases (oppfølgingsløp): one participant followed by one worker in one programme."""
