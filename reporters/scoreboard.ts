export default class ScoreboardReporter {}
