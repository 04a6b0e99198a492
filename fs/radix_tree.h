/*
 * Radix trees: non-NULL pointers indexed by a 64-bit number, RADIX_SHIFT
 * bits per level, grown on top as larger indices arrive, so a sparse index
 * space (a file with a page at 2^50) costs a handful of nodes.  The page
 * cache keeps each inode's pages in one.
 *
 * Locking is the caller's; no function here sleeps, and none allocates
 * but radix_node_alloc(): insertion takes new nodes from a spare the
 * caller allocated beforehand (so it can allocate with its lock dropped,
 * and a reclaimer that runs inside the allocator finds the tree whole).
 */
#ifndef FS_RADIX_TREE_H
#define FS_RADIX_TREE_H

#include <stdint.h>

struct radix_node;

struct radix_tree {
	void *root;			/* top node, NULL when empty */
	unsigned int height;		/* levels of nodes, 0 when empty */
};

#define RADIX_TREE_INIT	{ NULL, 0 }

/* Make the cache of nodes; once at boot (and per unit test).  0 or
 * -ENOMEM. */
int radix_tree_init(void);
/* A node for radix_tree_insert(), or NULL (ENOMEM).  Any context. */
struct radix_node *radix_node_alloc(void);
/* Free an unused spare node.  Any context. */
void radix_node_free(struct radix_node *n);

/* The item at index, or NULL. */
void *radix_tree_lookup(const struct radix_tree *t, uint64_t index);
/*
 * Put item (not NULL) at index, which must be free.  Nodes come from
 * *spare (set to NULL once used): -EAGAIN when one more is needed (the
 * caller allocates it and calls again; what was built so far stays).
 * Returns 0 or -EAGAIN.
 */
int radix_tree_insert(struct radix_tree *t, uint64_t index, void *item,
		      struct radix_node **spare);
/* Remove the item at index, which must be there; frees emptied nodes. */
void radix_tree_delete(struct radix_tree *t, uint64_t index);
/* The first item at *index or after, setting *index to its index; NULL
 * if there is none. */
void *radix_tree_next(const struct radix_tree *t, uint64_t *index);
/* Free every node of a tree that holds no item any more. */
void radix_tree_destroy(struct radix_tree *t);

#endif
