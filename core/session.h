/*
 * Questions about sessions and process groups that the terminal layer
 * asks beyond core/signal.h (drivers/tty: TIOCSPGRP).
 */
#ifndef CORE_SESSION_H
#define CORE_SESSION_H

#include <stdbool.h>

/* True if some live process of session sid is in process group pgid. */
bool pgrp_in_session(int pgid, int sid);

#endif
