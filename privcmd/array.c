// SPDX-License-Identifier: GPL-2.0
/*
 * array.c - user arrays (frame numbers, mapping entries) copied into kernel
 * pages before a map ioctl takes mmap_lock, and walked a page at a time.
 */
#include "privcmd.h"

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>

static unsigned int privcmd_array_per_page(const struct privcmd_array *a)
{
	return PAGE_SIZE / a->size;
}

/**
 * privcmd_array_free() - free what privcmd_array_copy_in() allocated
 * @a: the array
 */
void privcmd_array_free(struct privcmd_array *a)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, &a->pages, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	a->count = 0;
}

/**
 * privcmd_array_copy_in() - copy a user array into kernel pages
 * @a: the array to fill
 * @src: the user array
 * @count: number of elements, possibly 0
 * @size: size of an element, 1 to PAGE_SIZE
 *
 * Return: 0, or -EFAULT (part of @src is not readable), -ENOMEM, or -EINTR
 * (a fatal signal); on error nothing is left allocated.
 */
int privcmd_array_copy_in(struct privcmd_array *a, const void __user *src,
			  unsigned long count, size_t size)
{
	unsigned int nr;
	struct page *page;
	int rc;

	INIT_LIST_HEAD(&a->pages);
	a->count = 0;
	a->size = size;

	while (a->count < count) {
		nr = min_t(unsigned long, privcmd_array_per_page(a),
			   count - a->count);

		page = alloc_page(GFP_KERNEL);
		if (!page) {
			rc = -ENOMEM;
			goto err_free;
		}
		list_add_tail(&page->lru, &a->pages);

		if (copy_from_user(page_address(page), src, nr * size)) {
			rc = -EFAULT;
			goto err_free;
		}
		src += nr * size;
		a->count += nr;

		/* A huge count may take a while: let a killed caller go. */
		if (fatal_signal_pending(current)) {
			rc = -EINTR;
			goto err_free;
		}
		cond_resched();
	}
	return 0;

err_free:
	privcmd_array_free(a);
	return rc;
}

static void privcmd_chunk_set(const struct privcmd_array *a,
			      struct privcmd_chunk *c)
{
	if (!c->page || c->first >= a->count) {
		c->page = NULL;
		c->elems = NULL;
		c->nr = 0;
		return;
	}
	c->elems = page_address(c->page);
	c->nr = min_t(unsigned long, privcmd_array_per_page(a),
		      a->count - c->first);
}

/**
 * privcmd_chunk_first() - start walking an array a page at a time
 * @a: the array
 * @c: the walk; @c->nr is 0 if the array is empty
 */
void privcmd_chunk_first(struct privcmd_array *a,
			 struct privcmd_chunk *c)
{
	c->page = list_first_entry_or_null(&a->pages, struct page, lru);
	c->first = 0;
	privcmd_chunk_set(a, c);
}

/**
 * privcmd_chunk_next() - step to the next page of an array
 * @a: the array
 * @c: the walk; @c->nr becomes 0 past the last page
 */
void privcmd_chunk_next(struct privcmd_array *a,
			struct privcmd_chunk *c)
{
	c->first += c->nr;
	if (list_is_last(&c->page->lru, &a->pages))
		c->page = NULL;
	else
		c->page = list_next_entry(c->page, lru);
	privcmd_chunk_set(a, c);
}
