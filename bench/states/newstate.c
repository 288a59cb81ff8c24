/* C Lua's counterpart of bench/states: luaL_newstate + luaL_openlibs + lua_close per state,
   with a counting allocator (bytes of the Lua heap in use after the libraries are open).
   One thread, then one per core. Build: cc -O2 newstate.c $(pkg-config --cflags --libs lua5.4) -lpthread */
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

typedef struct { size_t in_use; } Counter;

static void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  Counter *c = ud;
  if (ptr == NULL) osize = 0; /* osize is a type tag when ptr is NULL */
  if (nsize == 0) { c->in_use -= osize; free(ptr); return NULL; }
  void *p = realloc(ptr, nsize);
  if (p != NULL) c->in_use += nsize - osize;
  return p;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double seconds = 1.0;

static void *worker(void *arg) {
  long *count = arg;
  Counter c = {0};
  double end = now() + seconds;
  long n = 0;
  while (now() < end) {
    for (int i = 0; i < 100; i++) {
      lua_State *L = lua_newstate(counting_alloc, &c);
      luaL_openlibs(L);
      lua_close(L);
    }
    n += 100;
  }
  *count = n;
  return NULL;
}

static double rate(int threads) {
  pthread_t t[64];
  long counts[64];
  double start = now();
  for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, worker, &counts[i]);
  long total = 0;
  for (int i = 0; i < threads; i++) { pthread_join(t[i], NULL); total += counts[i]; }
  return total / (now() - start);
}

int main(int argc, char **argv) {
  if (argc > 1) seconds = atof(argv[1]);
  int cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (cores > 64) cores = 64;
  Counter c = {0};
  lua_State *L = lua_newstate(counting_alloc, &c);
  luaL_openlibs(L);
  size_t bytes = c.in_use;
  lua_close(L);
  double one = rate(1), all = rate(cores);
  printf("%-28s %10.0f states/s (1 thread) %10.0f states/s (%d threads) %8zu heap bytes per idle state\n",
         "C Lua newstate+openlibs", one, all, cores, bytes);
  return 0;
}
