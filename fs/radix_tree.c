/*
 * Radix trees of pointers by 64-bit index.  A node holds RADIX_SLOTS
 * children and a count of those in use; in the nodes of height 1 the
 * children are the items.  A tree of height h covers the indices below
 * 2^(h * RADIX_SHIFT): inserting beyond that adds nodes on top, whose slot
 * 0 holds the old root.  Deleting the last item under a node frees the
 * node, up to the root.  Nodes come from one slab cache.  The caller
 * provides the locking (the page cache disables interrupts) and the
 * allocation of new nodes (see radix_tree_insert()).
 */
#include "core/errno.h"
#include "core/kernel.h"
#include "core/slab.h"
#include "core/string.h"
#include "fs/radix_tree.h"

#define RADIX_SHIFT	6
#define RADIX_SLOTS	(1U << RADIX_SHIFT)
#define RADIX_MASK	(RADIX_SLOTS - 1)
#define RADIX_MAX_HEIGHT DIV_ROUND_UP(64, RADIX_SHIFT)

struct radix_node {
	void *slots[RADIX_SLOTS];
	unsigned int count;		/* slots in use */
};

static struct kmem_cache *radix_node_cache;	/* [I] after init */

/* Can a tree of height h hold index? */
static bool
radix_fits(unsigned int h, uint64_t index)
{
	if (h == 0)
		return false;
	return h * RADIX_SHIFT >= 64 || (index >> (h * RADIX_SHIFT)) == 0;
}

/* The slot of index in a node of height h. */
static unsigned int
radix_offset(uint64_t index, unsigned int h)
{
	return (unsigned int)(index >> ((h - 1) * RADIX_SHIFT)) & RADIX_MASK;
}

/* Use up the spare node, cleared; NULL if it is gone. */
static struct radix_node *
radix_take_spare(struct radix_node **spare)
{
	struct radix_node *n = *spare;

	if (n != NULL)
		memset(n, 0, sizeof(*n));
	*spare = NULL;
	return n;
}

/* Add levels on top until index fits.  0, or -EAGAIN for a node. */
static int
radix_grow(struct radix_tree *t, uint64_t index, struct radix_node **spare)
{
	struct radix_node *n;

	while (!radix_fits(t->height, index)) {
		if (t->root != NULL) {
			n = radix_take_spare(spare);
			if (n == NULL)
				return -EAGAIN;
			n->slots[0] = t->root;
			n->count = 1;
			t->root = n;
		}
		t->height++;
	}
	return 0;
}

/* The first item at *index or after under slot, a node of height h (an
 * item if h is 0) whose first index is base; sets *index. */
static void *
radix_next_in(void *slot, unsigned int h, uint64_t base, uint64_t *index)
{
	struct radix_node *n = slot;
	unsigned int shift;
	uint64_t i = 0;
	void *item;

	if (h == 0) {
		*index = base;
		return slot;
	}
	shift = (h - 1) * RADIX_SHIFT;
	if (*index > base)
		i = (*index - base) >> shift;
	for (; i < RADIX_SLOTS; i++) {
		if (n->slots[i] == NULL)
			continue;
		item = radix_next_in(n->slots[i], h - 1, base + (i << shift),
				     index);
		if (item != NULL)
			return item;
	}
	return NULL;
}

/* Free the nodes under slot, of height h. */
static void
radix_free_nodes(void *slot, unsigned int h)
{
	struct radix_node *n = slot;
	unsigned int i;

	if (n == NULL)
		return;
	KASSERT(h > 0);			/* no item may be left */
	for (i = 0; i < RADIX_SLOTS; i++)
		radix_free_nodes(n->slots[i], h - 1);
	kmem_cache_free(radix_node_cache, n);
}

/* Create the node cache.  0 or -ENOMEM. */
int
radix_tree_init(void)
{
	radix_node_cache = kmem_cache_create("radix_node",
					     sizeof(struct radix_node), 0);
	return radix_node_cache != NULL ? 0 : -ENOMEM;
}

/* A node for an insertion, or NULL.  Any context. */
struct radix_node *
radix_node_alloc(void)
{
	return kmem_cache_alloc(radix_node_cache);
}

/* Free a spare node that was not used.  Any context. */
void
radix_node_free(struct radix_node *n)
{
	kmem_cache_free(radix_node_cache, n);
}

/* The item at index, or NULL. */
void *
radix_tree_lookup(const struct radix_tree *t, uint64_t index)
{
	struct radix_node *n;
	void *slot = t->root;
	unsigned int h;

	if (!radix_fits(t->height, index))
		return NULL;
	for (h = t->height; h > 0 && slot != NULL; h--) {
		n = slot;
		slot = n->slots[radix_offset(index, h)];
	}
	return slot;
}

/* Put item at the free index, with nodes from *spare.  0 or -EAGAIN
 * when one more node is needed. */
int
radix_tree_insert(struct radix_tree *t, uint64_t index, void *item,
		  struct radix_node **spare)
{
	struct radix_node *parent = NULL;
	void **slot = &t->root;
	unsigned int h;
	int err;

	err = radix_grow(t, index, spare);
	if (err)
		return err;
	for (h = t->height; h > 0; h--) {
		if (*slot == NULL) {
			*slot = radix_take_spare(spare);
			if (*slot == NULL)
				return -EAGAIN;
			if (parent != NULL)
				parent->count++;
		}
		parent = *slot;
		slot = &parent->slots[radix_offset(index, h)];
	}
	KASSERT(*slot == NULL);
	*slot = item;
	parent->count++;
	return 0;
}

/* Remove the item at index, which is there, freeing emptied nodes. */
void
radix_tree_delete(struct radix_tree *t, uint64_t index)
{
	struct radix_node *nodes[RADIX_MAX_HEIGHT];
	unsigned int k, h = t->height;

	nodes[0] = t->root;
	for (k = 1; k < h; k++)
		nodes[k] = nodes[k - 1]->slots[radix_offset(index, h - k + 1)];
	for (k = h; k-- > 0;) {
		nodes[k]->slots[radix_offset(index, h - k)] = NULL;
		if (--nodes[k]->count > 0)
			return;
		kmem_cache_free(radix_node_cache, nodes[k]);
	}
	t->root = NULL;
	t->height = 0;
}

/* The first item at *index or after (setting *index), or NULL. */
void *
radix_tree_next(const struct radix_tree *t, uint64_t *index)
{
	if (t->root == NULL)
		return NULL;
	return radix_next_in(t->root, t->height, 0, index);
}

/* Free the nodes of an itemless tree and make it empty. */
void
radix_tree_destroy(struct radix_tree *t)
{
	radix_free_nodes(t->root, t->height);
	t->root = NULL;
	t->height = 0;
}
