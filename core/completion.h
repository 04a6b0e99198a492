/*
 * Completions: one side waits until another says an event happened.
 * complete() may be called from interrupt context.
 */
#ifndef CORE_COMPLETION_H
#define CORE_COMPLETION_H

#include "core/wait.h"

struct completion {
	unsigned int done;		/* [i] completions not yet consumed */
	struct wait_queue wq;
};

#define COMPLETION_ALL	0x7fffffffu

/* Initialise with no completion recorded. */
void completion_init(struct completion *c);
/* Record one completion and wake one waiter. */
void complete(struct completion *c);
/* Complete for all present and future waiters. */
void complete_all(struct completion *c);
/* Sleep until a completion is recorded, and consume it. */
void completion_wait(struct completion *c);
/* Like completion_wait, but give up after ms; 0 on success, -ETIMEDOUT. */
int completion_wait_timeout(struct completion *c, unsigned int ms);
/* Consume a completion without sleeping; true if there was one. */
bool completion_try(struct completion *c);

#endif
