/**
 * Recipes: the models the course trains and ships, each with its
 * configuration, its data pipeline, a training function (the same one runs
 * in a chapter's worker and in `scripts/train.ts`) and its metrics.
 */
export { type RecipeOptions, type Trained, type Schedule, warmupCosine, trainWithSchedule } from "./options";
export {
  VIT_CONFIG, VIT_TRAINING, OBJECT_PATCH_FRACTION, backgroundContrast, shapeBatch, trainVit, loadVit, evaluateVit,
  classTokenAttention, objectAttentionRatio, type VitMetrics,
} from "./vit";
export {
  charTokenizer, CHAR_LM_CONFIG, CHAR_LM_CORPUS, CHAR_LM_TRAINING, charTrainingIds, trainCharLM, loadCharLM,
  evaluateCharLM, unigramLoss, sampleText, knownWordShare, type CharLMMetrics,
} from "./charLM";
export {
  digitTokenizer, NUMBER_WORDS, SEQ2SEQ_CONFIG, SEQ2SEQ_TRAINING, translationBatch, trainSeq2Seq, loadSeq2Seq,
  translate, evaluateSeq2Seq, type TranslationBatch, type Seq2SeqMetrics,
} from "./seq2seq";
export {
  FASHION_CONFIG, FASHION_TRAINING, FASHION_PAGE_CONFIG, FASHION_PAGE_TRAINING, fashionBatch, eraseRectangle, smoothedCrossEntropy, trainFashion, loadFashionVit, evaluateFashion, mirrorPictures,
  type FashionSchedule, type FashionTrainOptions, type FashionTrained, type FashionMetrics, type FashionEvalOptions,
} from "./fashion";
