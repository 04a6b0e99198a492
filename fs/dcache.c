/*
 * The dentry cache: names in directories, hashed by (parent, name), each
 * pointing at its inode or at nothing (a negative entry, which remembers
 * that a name does not exist).  A dentry references its parent and its
 * inode, so a cached path keeps its directories and inodes alive.
 *
 * Unused hashed dentries wait on an LRU list and are freed oldest first
 * past a limit; unhashed ones (unlinked, replaced, pruned, roots) are
 * freed with their last reference.  The hash, the LRU, names, parents and
 * reference counts are guarded by disabling interrupts, which also makes
 * a rename's change of name and parent atomic for readers like getcwd.
 */
#include "arch-host/arch.h"
#include "core/errno.h"
#include "core/kernel.h"
#include "core/slab.h"
#include "core/string.h"
#include "fs/internal.h"

#define DCACHE_HASH_SIZE	4096
#define DCACHE_UNUSED_MAX	8192	/* unused dentries kept on the LRU */

static struct list_head dcache_hash[DCACHE_HASH_SIZE];	/* [i] */
static struct list_head dcache_lru;			/* [i] oldest first */
static unsigned long dcache_nr_unused;			/* [i] */

void
dcache_init(void)
{
	for (size_t i = 0; i < DCACHE_HASH_SIZE; i++)
		list_init(&dcache_hash[i]);
	list_init(&dcache_lru);
	dcache_nr_unused = 0;
}

/* FNV-1a of a name. */
static uint32_t
dcache_name_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

static struct list_head *
dcache_bucket(const struct dentry *parent, uint32_t hash)
{
	uintptr_t h = ((uintptr_t)parent >> 4) * 0x9e3779b1u + hash;

	return &dcache_hash[(h ^ (h >> 16)) % DCACHE_HASH_SIZE];
}

/* Take a reference, off the LRU; interrupts off. */
static void
dentry_grab(struct dentry *d)
{
	if (d->refcount++ == 0 && !list_empty(&d->lru_node)) {
		list_del(&d->lru_node);
		dcache_nr_unused--;
	}
}

struct dentry *
dcache_lookup(struct dentry *parent, const char *name, size_t len)
{
	uint32_t hash = dcache_name_hash(name, len);
	unsigned long s = arch_intr_save();
	struct dentry *d;

	list_for_each_entry(d, dcache_bucket(parent, hash), hash_node) {
		if (d->parent == parent && d->hash == hash && d->len == len &&
		    memcmp(d->name, name, len) == 0) {
			dentry_grab(d);
			arch_intr_restore(s);
			return d;
		}
	}
	arch_intr_restore(s);
	return NULL;
}

char *
dentry_name_dup(const char *name, size_t len)
{
	char *copy = kmalloc(len + 1);

	if (copy != NULL) {
		memcpy(copy, name, len);
		copy[len] = '\0';
	}
	return copy;
}

static struct dentry *
dentry_new(struct super_block *sb, const char *name, size_t len)
{
	struct dentry *d = kzalloc(sizeof(*d));

	if (d == NULL)
		return NULL;
	d->name = dentry_name_dup(name, len);
	if (d->name == NULL) {
		kfree(d);
		return NULL;
	}
	d->len = len;
	d->hash = dcache_name_hash(name, len);
	d->sb = sb;
	d->refcount = 1;
	list_init(&d->hash_node);
	list_init(&d->lru_node);
	return d;
}

struct dentry *
dentry_alloc(struct dentry *parent, const char *name, size_t len)
{
	struct dentry *d = dentry_new(parent->sb, name, len);

	if (d != NULL) {
		dentry_get(parent);
		d->parent = parent;
	}
	return d;
}

struct dentry *
dentry_alloc_root(struct inode *root)
{
	struct dentry *d = dentry_new(root->sb, "/", 1);

	if (d != NULL)
		d->inode = root;
	return d;
}

void
dcache_add(struct dentry *d, struct inode *inode)
{
	unsigned long s = arch_intr_save();

	d->inode = inode;
	list_add(&d->hash_node, dcache_bucket(d->parent, d->hash));
	arch_intr_restore(s);
}

void
dentry_instantiate(struct dentry *d, struct inode *inode)
{
	unsigned long s = arch_intr_save();

	KASSERT(d->inode == NULL);
	d->inode = inode;
	arch_intr_restore(s);
}

void
dentry_get(struct dentry *d)
{
	unsigned long s = arch_intr_save();

	dentry_grab(d);
	arch_intr_restore(s);
}

bool
dentry_unhashed(const struct dentry *d)
{
	return list_empty(&d->hash_node);
}

/* Free an unhashed, unreferenced dentry; returns its parent, whose
 * reference the caller must drop. */
static struct dentry *
dentry_kill(struct dentry *d)
{
	struct dentry *parent = d->parent;

	if (d->inode != NULL)
		iput(d->inode);
	kfree(d->name);
	kfree(d);
	return parent;
}

/* Drop one reference; returns the parent to drop too if d was freed. */
static struct dentry *
dentry_put_one(struct dentry *d)
{
	unsigned long s = arch_intr_save();

	KASSERT(d->refcount > 0);
	if (--d->refcount > 0) {
		arch_intr_restore(s);
		return NULL;
	}
	if (!dentry_unhashed(d)) {
		list_add_tail(&d->lru_node, &dcache_lru);
		dcache_nr_unused++;
		arch_intr_restore(s);
		return NULL;
	}
	arch_intr_restore(s);
	return dentry_kill(d);
}

/* Drop a reference and those of the ancestors it frees. */
static void
dentry_put_chain(struct dentry *d)
{
	while (d != NULL)
		d = dentry_put_one(d);
}

/* The oldest unused dentry, unhashed, while there are too many. */
static struct dentry *
dcache_prune_pick(void)
{
	unsigned long s = arch_intr_save();
	struct dentry *d = NULL;

	if (dcache_nr_unused > DCACHE_UNUSED_MAX) {
		d = list_first_entry(&dcache_lru, struct dentry, lru_node);
		list_del(&d->lru_node);
		dcache_nr_unused--;
		list_del(&d->hash_node);
	}
	arch_intr_restore(s);
	return d;
}

void
dentry_put(struct dentry *d)
{
	dentry_put_chain(d);
	while ((d = dcache_prune_pick()) != NULL)
		dentry_put_chain(dentry_kill(d));
}

void
dcache_drop(struct dentry *d)
{
	unsigned long s = arch_intr_save();

	list_del(&d->hash_node);
	arch_intr_restore(s);
}

struct dentry *
dentry_parent_get(struct dentry *d)
{
	unsigned long s = arch_intr_save();
	struct dentry *p = d->parent != NULL ? d->parent : d;

	dentry_grab(p);
	arch_intr_restore(s);
	return p;
}

void
dcache_move(struct dentry *d, struct dentry *new_parent, char *name,
	    size_t len)
{
	unsigned long s = arch_intr_save();
	struct dentry *old_parent = d->parent;
	char *old_name = d->name;

	list_del(&d->hash_node);
	d->name = name;
	d->len = len;
	d->hash = dcache_name_hash(name, len);
	if (new_parent != old_parent)
		dentry_grab(new_parent);
	d->parent = new_parent;
	list_add(&d->hash_node, dcache_bucket(new_parent, d->hash));
	arch_intr_restore(s);
	kfree(old_name);
	/* The caller holds old_parent too: this never frees it. */
	if (new_parent != old_parent)
		dentry_put_chain(old_parent);
}

void
dcache_exchange(struct dentry *a, struct dentry *b)
{
	unsigned long s = arch_intr_save();
	struct dentry tmp = *a;

	list_del(&a->hash_node);
	list_del(&b->hash_node);
	a->name = b->name;
	a->len = b->len;
	a->hash = b->hash;
	a->parent = b->parent;
	b->name = tmp.name;
	b->len = tmp.len;
	b->hash = tmp.hash;
	b->parent = tmp.parent;
	list_add(&a->hash_node, dcache_bucket(a->parent, a->hash));
	list_add(&b->hash_node, dcache_bucket(b->parent, b->hash));
	arch_intr_restore(s);
}

bool
dentry_is_ancestor(struct dentry *anc, struct dentry *d)
{
	unsigned long s = arch_intr_save();
	bool found = false;

	for (; d != NULL && !found; d = d->parent)
		found = d == anc;
	arch_intr_restore(s);
	return found;
}

/* Move the unused dentries of sb to dead, unhashed; intr off. */
static unsigned long
dcache_collect_sb(struct super_block *sb, struct list_head *dead)
{
	struct dentry *d, *next;
	unsigned long n = 0;

	list_for_each_entry_safe(d, next, &dcache_lru, lru_node) {
		if (d->sb != sb)
			continue;
		list_del(&d->lru_node);
		dcache_nr_unused--;
		list_del(&d->hash_node);
		list_add_tail(&d->lru_node, dead);
		n++;
	}
	return n;
}

void
dcache_shrink_sb(struct super_block *sb)
{
	struct list_head dead;
	struct dentry *d;
	unsigned long s, n;

	/* Each pass frees leaves; their parents become unused for the next. */
	do {
		list_init(&dead);
		s = arch_intr_save();
		n = dcache_collect_sb(sb, &dead);
		arch_intr_restore(s);
		while (!list_empty(&dead)) {
			d = list_first_entry(&dead, struct dentry, lru_node);
			list_del(&d->lru_node);
			dentry_put_chain(dentry_kill(d));
		}
	} while (n > 0);
}
