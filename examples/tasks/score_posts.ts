// Scores social posts about the weather; a stand-in for a social-media stream.
interface Context {
  params: { city: string };
  ds: string;
}

interface Post {
  city: string;
  text: string;
  sentiment: number;
}

const TEMPLATES: [string, number][] = [
  ['Melting in {city} today', -0.6],
  ['Beach day in {city}!', 0.7],
  ['{city} needs more shade trees', -0.3],
  ['Ice cream sales must be booming in {city}', 0.4],
  ['Cannot sleep, too hot in {city}', -0.8],
];

export default async function (context: Context): Promise<{ posts: Post[]; mean_sentiment: number }> {
  const posts = TEMPLATES.map(([text, sentiment]) => ({
    city: context.params.city,
    text: text.replace('{city}', context.params.city),
    sentiment,
  }));
  const mean = posts.reduce((sum, p) => sum + p.sentiment, 0) / posts.length;
  console.log(`scored ${posts.length} posts for ${context.params.city} on ${context.ds}`);
  return { posts, mean_sentiment: Math.round(mean * 100) / 100 };
}
