/** Content shared by both servers, made once per run (so both get identical bytes). */
import type { ImageFixture, PatternBlob, SmallBlob } from './data.js';
import { makeImage, makePatternBlobs, makeSmallBlobs } from './data.js';
import type { Sizes } from './sizes.js';

/** Lazily built, memoised benchmark content. */
export class Fixtures {
  #large: PatternBlob[] | undefined;
  #chunked: PatternBlob | undefined;
  #small: SmallBlob[] | undefined;
  #head: SmallBlob[] | undefined;
  #image: ImageFixture | undefined;

  constructor(readonly sizes: Sizes) {}

  /** The push-large / pull-large blobs, digests computed. */
  large(): PatternBlob[] {
    this.#large ??= makePatternBlobs(this.sizes.largeCount, this.sizes.largeBytes, 'large');
    for (const b of this.#large) b.computeDigest();
    return this.#large;
  }

  /** The push-chunked blob, digest computed. */
  chunked(): PatternBlob {
    this.#chunked ??= makePatternBlobs(1, this.sizes.chunkedBytes, 'chunked')[0]!;
    this.#chunked.computeDigest();
    return this.#chunked;
  }

  /** The push-small blobs. */
  small(): SmallBlob[] {
    return (this.#small ??= makeSmallBlobs(this.sizes.smallCount, this.sizes.smallBytes));
  }

  /** The blobs head-blob cycles through. */
  head(): SmallBlob[] {
    return (this.#head ??= makeSmallBlobs(this.sizes.headBlobs, this.sizes.smallBytes));
  }

  /** The image used by manifest, listing and mixed scenarios. */
  image(): ImageFixture {
    return (this.#image ??= makeImage(this.sizes.mixedLayers, this.sizes.mixedLayerBytes));
  }
}
