/**
 * Entry of `dist/standalone.js`: the whole package with `@authtoken/core` inlined, as one ES
 * module that a plain `<script type="module">` can import without a bundler or import map.
 */
export * from './index.js';
