/*
 * Slab caches of fixed-size kernel objects on top of the buddy allocator,
 * and kmalloc/kfree size classes on top of those.
 */
#ifndef CORE_SLAB_H
#define CORE_SLAB_H

#include <stddef.h>

struct kmem_cache;

/* Set up the kmalloc size classes; after buddy_init(). */
void slab_init(void);

/*
 * Make a cache of objects of size bytes aligned to align (a power of two up
 * to PAGE_SIZE; 0 means 8).  Objects sit at multiples of the size rounded
 * up to the alignment from a frame boundary, so a power-of-two size up to a
 * page is also aligned to itself.  The name is kept, not copied.  NULL on
 * ENOMEM or if one object does not fit in the largest buddy block (4 MiB).
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     size_t align);
/* Free a cache; every object must have been freed (checked). */
void kmem_cache_destroy(struct kmem_cache *c);
/* Allocate one object; NULL on ENOMEM.  Safe in interrupt context. */
void *kmem_cache_alloc(struct kmem_cache *c);
/*
 * Return an object to its cache.  Safe in interrupt context.  The wrong
 * cache, a pointer that is not an object start, or a double free panics.
 */
void kmem_cache_free(struct kmem_cache *c, void *obj);
/* Objects in use in c (for tests and /proc/slabinfo). */
unsigned long kmem_cache_inuse(const struct kmem_cache *c);

/*
 * Allocate size bytes (any size; above the largest class, 8192, whole frames
 * from the buddy allocator, page-aligned).  Aligned to 8 bytes at least, to
 * the size class for powers of two up to a page.  NULL on ENOMEM, for size
 * 0 and above 4 MiB.  Safe in interrupt context.
 */
void *kmalloc(size_t size);
/* kmalloc and zero-fill. */
void *kzalloc(size_t size);
/* Free memory from kmalloc/kzalloc; NULL is ignored. */
void kfree(const void *p);
/* Usable size of a kmalloc block. */
size_t kmalloc_size(const void *p);

#endif
