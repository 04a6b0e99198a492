/*
 * Slab caches of fixed-size objects, and kmalloc on top of them.  A slab is
 * one block from the buddy allocator: order 0 for small objects, higher for
 * big ones so that a slab holds about SLAB_MIN_OBJS objects.  Objects sit at
 * multiples of the cache's stride from the start of the slab.  Which ones
 * are allocated is a bitmap outside the objects, so free objects can stay
 * poisoned and a double free is caught: in the head frame's struct page when
 * the slab holds at most 64 objects, else after the last object.  Every
 * frame of a slab is PG_SLAB and points at the slab's head frame and cache,
 * so any object address leads back to both.  A cache keeps its slabs on
 * three lists (partial, full, empty) and at most one empty slab; the others
 * go back to the buddy allocator.  The struct kmem_cache objects come from
 * cache_cache, a static cache of caches set up first.  kmalloc picks the
 * smallest size class that fits; above the largest class it takes whole
 * frames from the buddy allocator and marks the head PG_LARGE.
 *
 * Locking: everything here runs with interrupts disabled, so interrupt
 * handlers may allocate and free.  The buddy allocator nests inside.
 */
#include "arch-host/arch.h"
#include "core/kernel.h"
#include "core/list.h"
#include "core/page.h"
#include "core/slab.h"
#include "core/string.h"

#define SLAB_MIN_OBJS	8		/* objects a slab should hold */
#define SLAB_MIN_ALIGN	8		/* default and least object alignment */
#define BITS_PER_LONG	(8 * sizeof(unsigned long))

/*
 * A cache.  [I] set by cache_setup(), then immutable; [i] interrupts
 * disabled.
 */
struct kmem_cache {
	const char *name;		/* [I] for messages and slabinfo */
	size_t size;			/* [I] object size as asked */
	size_t stride;			/* [I] distance between objects */
	unsigned int order;		/* [I] buddy order of a slab */
	unsigned int per_slab;		/* [I] objects in a slab */
	size_t map_offset;		/* [I] in-slab bitmap offset, 0: none */
	struct list_head partial;	/* [i] slabs with some objects free */
	struct list_head full;		/* [i] slabs with no free object */
	struct list_head empty;		/* [i] at most one unused slab */
	unsigned long nr_empty;		/* [i] slabs on empty (0 or 1) */
	unsigned long nr_slabs;		/* [i] slabs of this cache */
	unsigned long inuse;		/* [i] objects allocated */
	struct list_head link;		/* [i] on slab_caches */
};

struct kmalloc_class {
	size_t size;
	const char *name;
};

static const struct kmalloc_class kmalloc_classes[] = {
	{ 8, "kmalloc-8" },		{ 16, "kmalloc-16" },
	{ 32, "kmalloc-32" },		{ 64, "kmalloc-64" },
	{ 96, "kmalloc-96" },		{ 128, "kmalloc-128" },
	{ 192, "kmalloc-192" },		{ 256, "kmalloc-256" },
	{ 512, "kmalloc-512" },		{ 1024, "kmalloc-1024" },
	{ 2048, "kmalloc-2048" },	{ 4096, "kmalloc-4096" },
	{ 8192, "kmalloc-8192" },
};

#define KMALLOC_NR_CLASSES	ARRAY_SIZE(kmalloc_classes)
#define KMALLOC_MAX_CLASS	(kmalloc_classes[KMALLOC_NR_CLASSES - 1].size)

static struct kmem_cache cache_cache;		/* the cache of caches */
static struct kmem_cache *kmalloc_caches[KMALLOC_NR_CLASSES];	/* [I] */
static LIST_HEAD(slab_caches);			/* [i] every cache */

/* ---- in-use bitmaps ---- */

static size_t
map_bytes(unsigned long n)
{
	return DIV_ROUND_UP(n, BITS_PER_LONG) * sizeof(unsigned long);
}

/* The in-use bitmap of the slab headed by pg. */
static unsigned long *
slab_map(const struct kmem_cache *c, struct page *pg)
{
	if (c->map_offset == 0)
		return &pg->slab_map;
	return (unsigned long *)((char *)page_address(pg) + c->map_offset);
}

/* Clear a bitmap of n bits; set the padding bits so they are never taken. */
static void
map_init(unsigned long *map, unsigned long n)
{
	unsigned long words = DIV_ROUND_UP(n, BITS_PER_LONG);

	memset(map, 0, words * sizeof(unsigned long));
	if (n % BITS_PER_LONG != 0)
		map[words - 1] = ~0UL << (n % BITS_PER_LONG);
}

/* Set the first clear bit of a bitmap of n bits that has one; return it. */
static unsigned long
map_take(unsigned long *map, unsigned long n)
{
	unsigned long words = DIV_ROUND_UP(n, BITS_PER_LONG);
	unsigned long w, bit;

	for (w = 0; w < words && map[w] == ~0UL; w++)
		;
	KASSERT(w < words);
	bit = (unsigned long)__builtin_ctzl(~map[w]);
	map[w] |= 1UL << bit;
	return w * BITS_PER_LONG + bit;
}

/* Clear bit i, which must be set: a clear bit means a double free. */
static void
map_put(unsigned long *map, unsigned long i)
{
	unsigned long mask = 1UL << (i % BITS_PER_LONG);

	KASSERT(map[i / BITS_PER_LONG] & mask);
	map[i / BITS_PER_LONG] &= ~mask;
}

/* ---- cache layout ---- */

/*
 * Objects of this stride that fit in a slab of bytes: up to 64 use the
 * bitmap in struct page, more need room for a bitmap after the objects.
 */
static unsigned long
slab_capacity(size_t bytes, size_t stride)
{
	unsigned long n = bytes / stride;

	if (n <= BITS_PER_LONG)
		return n;
	while (ALIGN_UP(n * stride, sizeof(long)) + map_bytes(n) > bytes)
		n--;
	return n;
}

/*
 * Choose the smallest slab order that holds SLAB_MIN_OBJS objects, or as
 * many as the largest block can.  False if not even one object fits.
 */
static bool
cache_layout(struct kmem_cache *c)
{
	unsigned long want, n;
	unsigned int k;

	want = slab_capacity(PAGE_SIZE << BUDDY_MAX_ORDER, c->stride);
	if (want == 0)
		return false;
	want = MIN(want, SLAB_MIN_OBJS);
	for (k = 0; slab_capacity(PAGE_SIZE << k, c->stride) < want; k++)
		;
	n = slab_capacity(PAGE_SIZE << k, c->stride);
	c->order = k;
	c->per_slab = n;
	c->map_offset = 0;
	if (n > BITS_PER_LONG)
		c->map_offset = ALIGN_UP(n * c->stride, sizeof(long));
	return true;
}

/* Fill in a cache and list it; false if its objects are too big. */
static bool
cache_setup(struct kmem_cache *c, const char *name, size_t size,
	    size_t align)
{
	unsigned long s;

	KASSERT(size > 0);
	KASSERT((align & (align - 1)) == 0 && align <= PAGE_SIZE);
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->size = size;
	c->stride = ALIGN_UP(size, MAX(align, SLAB_MIN_ALIGN));
	if (!cache_layout(c))
		return false;
	list_init(&c->partial);
	list_init(&c->full);
	list_init(&c->empty);
	s = arch_intr_save();
	list_add_tail(&c->link, &slab_caches);
	arch_intr_restore(s);
	return true;
}

/* ---- slabs ---- */

/* Point every frame of the order-k slab at pg to c, or to nothing. */
static void
slab_mark(struct page *pg, unsigned int k, struct kmem_cache *c)
{
	unsigned long i;

	for (i = 0; i < (1UL << k); i++) {
		if (c != NULL)
			pg[i].flags |= PG_SLAB;
		else
			pg[i].flags &= ~PG_SLAB;
		pg[i].slab_cache = c;
		pg[i].slab_head = c != NULL ? pg : NULL;
	}
}

/* Get a new slab from the buddy allocator onto c's empty list, or NULL. */
static struct page *
slab_new(struct kmem_cache *c)
{
	struct page *pg = buddy_alloc(c->order);

	if (pg == NULL)
		return NULL;
	slab_mark(pg, c->order, c);
	pg->slab_inuse = 0;
	map_init(slab_map(c, pg), c->per_slab);
	arch_mem_poison(page_address(pg), c->per_slab * c->stride);
	list_add(&pg->list, &c->empty);
	c->nr_empty++;
	c->nr_slabs++;
	return pg;
}

/* Give an unlisted empty slab back to the buddy allocator. */
static void
slab_release(struct kmem_cache *c, struct page *pg)
{
	KASSERT(pg->slab_inuse == 0);
	c->nr_slabs--;
	slab_mark(pg, c->order, NULL);
	buddy_free(pg, c->order);
}

/*
 * Put a slab whose use count changed on the list that matches it; a second
 * empty slab goes back to the buddy allocator.
 */
static void
slab_place(struct kmem_cache *c, struct page *pg)
{
	list_del(&pg->list);
	if (pg->slab_inuse == c->per_slab) {
		list_add(&pg->list, &c->full);
	} else if (pg->slab_inuse > 0) {
		list_add(&pg->list, &c->partial);
	} else if (c->nr_empty == 0) {
		list_add(&pg->list, &c->empty);
		c->nr_empty++;
	} else {
		slab_release(c, pg);
	}
}

/* A slab of c with a free object: partial first, then empty, then new. */
static struct page *
cache_pick(struct kmem_cache *c)
{
	if (!list_empty(&c->partial))
		return list_first_entry(&c->partial, struct page, list);
	if (!list_empty(&c->empty))
		return list_first_entry(&c->empty, struct page, list);
	return slab_new(c);
}

/* Allocate an object from the slab at pg, which has a free one. */
static void *
slab_take(struct kmem_cache *c, struct page *pg)
{
	unsigned long i;
	char *obj;

	if (pg->slab_inuse == 0)
		c->nr_empty--;
	i = map_take(slab_map(c, pg), c->per_slab);
	pg->slab_inuse++;
	c->inuse++;
	if (pg->slab_inuse == 1 || pg->slab_inuse == c->per_slab)
		slab_place(c, pg);
	obj = (char *)page_address(pg) + i * c->stride;
	arch_mem_unpoison(obj, c->size);
	return obj;
}

/* The frame holding obj, which must be in physical memory. */
static struct page *
obj_frame(const void *obj)
{
	KASSERT(page_addr_valid(obj));
	return virt_to_page(obj);
}

/* Index of obj in the slab at pg; obj must be the start of an object. */
static unsigned long
obj_index(const struct kmem_cache *c, struct page *pg, const void *obj)
{
	/* A slab is at most 4 MiB: 32-bit division is exact and cheaper. */
	uint32_t off = (uint32_t)((const char *)obj -
				  (const char *)page_address(pg));
	uint32_t idx = off / (uint32_t)c->stride;

	KASSERT(idx * (uint32_t)c->stride == off);
	KASSERT(idx < c->per_slab);
	return idx;
}

/* ---- caches ---- */

/*
 * Make a cache of size-byte objects aligned to align (a power of two up to
 * a page; 0 means 8).  Returns NULL if memory is short or an object would
 * not fit in the largest buddy block.
 */
struct kmem_cache *
kmem_cache_create(const char *name, size_t size, size_t align)
{
	struct kmem_cache *c = kmem_cache_alloc(&cache_cache);

	if (c == NULL)
		return NULL;
	if (!cache_setup(c, name, size, align)) {
		kmem_cache_free(&cache_cache, c);
		return NULL;
	}
	return c;
}

/*
 * Free a cache made by kmem_cache_create() and its empty slab.  Every
 * object must have been freed; the caller must be the cache's last user.
 */
void
kmem_cache_destroy(struct kmem_cache *c)
{
	struct page *pg, *next;
	unsigned long s;

	KASSERT(c != &cache_cache);
	s = arch_intr_save();
	KASSERT(c->inuse == 0);
	KASSERT(list_empty(&c->partial) && list_empty(&c->full));
	list_for_each_entry_safe(pg, next, &c->empty, list) {
		list_del(&pg->list);
		c->nr_empty--;
		slab_release(c, pg);
	}
	KASSERT(c->nr_slabs == 0);
	list_del(&c->link);
	arch_intr_restore(s);
	kmem_cache_free(&cache_cache, c);
}

/*
 * Allocate an object of c; returns it (contents undefined) or NULL if the
 * buddy allocator is out of frames.  Any context.
 */
void *
kmem_cache_alloc(struct kmem_cache *c)
{
	struct page *pg;
	void *obj = NULL;
	unsigned long s;

	s = arch_intr_save();
	pg = cache_pick(c);
	if (pg != NULL)
		obj = slab_take(c, pg);
	arch_intr_restore(s);
	return obj;
}

/*
 * Return obj to c.  Freeing into the wrong cache, a pointer that is not the
 * start of an object, or an object twice is a kernel bug and panics.
 */
void
kmem_cache_free(struct kmem_cache *c, void *obj)
{
	struct page *pg = obj_frame(obj);
	unsigned long i, s;

	KASSERT(pg->flags & PG_SLAB);
	pg = pg->slab_head;
	KASSERT(pg->slab_cache == c);
	i = obj_index(c, pg, obj);
	s = arch_intr_save();
	map_put(slab_map(c, pg), i);
	arch_mem_poison(obj, c->size);
	pg->slab_inuse--;
	c->inuse--;
	if (pg->slab_inuse == 0 || pg->slab_inuse == c->per_slab - 1)
		slab_place(c, pg);
	arch_intr_restore(s);
}

/* Objects of c allocated now; a snapshot. */
unsigned long
kmem_cache_inuse(const struct kmem_cache *c)
{
	return c->inuse;
}

/*
 * Set up the cache of caches and the kmalloc size classes.  Called once at
 * boot (and once per unit test) after buddy_init().
 */
void
slab_init(void)
{
	const struct kmalloc_class *k;
	size_t i;

	list_init(&slab_caches);
	if (!cache_setup(&cache_cache, "kmem_cache",
			 sizeof(struct kmem_cache), 0))
		panic("slab_init: cannot set up the cache of caches");
	for (i = 0; i < KMALLOC_NR_CLASSES; i++) {
		k = &kmalloc_classes[i];
		kmalloc_caches[i] = kmem_cache_create(k->name, k->size, 0);
		if (kmalloc_caches[i] == NULL)
			panic("slab_init: no memory for %s", k->name);
	}
}

/* ---- kmalloc ---- */

/* Whole frames for a block above the largest size class, or NULL. */
static void *
kmalloc_large(size_t size)
{
	unsigned int order = 0;
	struct page *pg;

	while ((PAGE_SIZE << order) < size)
		if (++order > BUDDY_MAX_ORDER)
			return NULL;
	pg = buddy_alloc(order);
	if (pg == NULL)
		return NULL;
	pg->flags |= PG_LARGE;
	return page_address(pg);
}

/*
 * Allocate size bytes: from the smallest size class that fits, else whole
 * frames.  Returns NULL for size 0 or when memory is short.  Any context.
 */
void *
kmalloc(size_t size)
{
	size_t i;

	if (size == 0)
		return NULL;
	if (size > KMALLOC_MAX_CLASS)
		return kmalloc_large(size);
	for (i = 0; kmalloc_classes[i].size < size; i++)
		;
	return kmem_cache_alloc(kmalloc_caches[i]);
}

/* kmalloc() and zero the size bytes asked for. */
void *
kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p != NULL)
		memset(p, 0, size);
	return p;
}

/*
 * The head frame of a kmalloc block at p above the largest class; p must be
 * its start.
 */
static struct page *
large_head(const void *p, struct page *pg)
{
	KASSERT((pg->flags & (PG_LARGE | PG_HEAD)) == (PG_LARGE | PG_HEAD));
	KASSERT(p == page_address(pg));
	return pg;
}

/*
 * Free memory from kmalloc()/kzalloc(); NULL is ignored.  A pointer that is
 * not the start of a kmalloc block is a kernel bug and panics.
 */
void
kfree(const void *p)
{
	struct page *pg;

	if (p == NULL)
		return;
	pg = obj_frame(p);
	if (pg->flags & PG_SLAB) {
		kmem_cache_free(pg->slab_cache, (void *)p);
		return;
	}
	pg = large_head(p, pg);
	pg->flags &= ~PG_LARGE;
	buddy_free(pg, pg->order);
}

/* Usable bytes of the kmalloc block at p (its size class or its frames). */
size_t
kmalloc_size(const void *p)
{
	struct page *pg = obj_frame(p);

	if (pg->flags & PG_SLAB) {
		obj_index(pg->slab_cache, pg->slab_head, p);
		return pg->slab_cache->size;
	}
	return PAGE_SIZE << large_head(p, pg)->order;
}
