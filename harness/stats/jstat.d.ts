// The part of jstat (https://github.com/jstat/jstat) this project uses; the package ships no types.
declare module 'jstat' {
  const jstat: {
    jStat: {
      studentt: { inv(p: number, dof: number): number; cdf(x: number, dof: number): number };
    };
  };
  export default jstat;
}
